using VaeWorkbench.Engine.Layers;

namespace VaeWorkbench.Engine.Model;

/// <summary>
/// The class input of a conditional VAE (<see cref="VaeConfig.ClassCount"/> &gt; 0). Every pass that runs the encoder or
/// the decoder takes the samples' classes, and <see cref="SetClasses"/> hands them to both <see cref="ConcatCondition"/>
/// layers as one-hot rows. An unconditional model takes no classes; a conditional one refuses to run without them.
/// </summary>
public sealed partial class Vae
{
    /// <summary>The layer that appends the class to the encoder's features; null for an unconditional model.</summary>
    public ConcatCondition? EncoderCondition { get; private set; }

    /// <summary>The layer that appends the class to z; null for an unconditional model.</summary>
    public ConcatCondition? DecoderCondition { get; private set; }

    public bool Conditional => Config.Conditional;

    public int ClassCount => Config.ClassCount;

    private void FindConditionLayers()
    {
        EncoderCondition = Encoder.Layers.OfType<ConcatCondition>().SingleOrDefault();
        DecoderCondition = Decoder.Layers.OfType<ConcatCondition>().SingleOrDefault();
    }

    /// <summary>
    /// Sets the classes of the next <paramref name="count"/> samples, taken from <paramref name="classes"/> at
    /// <paramref name="start"/>. Checks that a conditional model got one class per sample and an unconditional one none.
    /// </summary>
    internal void SetClasses(ReadOnlySpan<int> classes, int start, int count, int total)
    {
        if (!Conditional)
        {
            if (!classes.IsEmpty) throw new ArgumentException("this model is not conditional, so it takes no classes");
            return;
        }
        if (classes.Length != total)
            throw new ArgumentException(classes.IsEmpty
                ? $"this model is conditional on {ClassCount} classes: give the class of every sample"
                : $"expected {total} classes (one per sample), got {classes.Length}");
        var slice = classes.Slice(start, count);
        EncoderCondition!.SetOneHot(slice);
        DecoderCondition!.SetOneHot(slice);
    }

    /// <summary><paramref name="count"/> copies of one class, or nothing for an unconditional model given no class.</summary>
    internal int[] Repeat(int? label, int count)
    {
        if (label is null) return Conditional ? throw new ArgumentException($"this model is conditional on {ClassCount} classes: choose a class") : [];
        if (!Conditional) throw new ArgumentException("this model is not conditional, so it takes no class");
        if ((uint)label >= (uint)ClassCount) throw new ArgumentOutOfRangeException(nameof(label), $"class {label} is outside the model's {ClassCount} classes (0..{ClassCount - 1})");
        return Enumerable.Repeat(label.Value, count).ToArray();
    }
}
