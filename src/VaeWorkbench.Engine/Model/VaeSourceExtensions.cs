using VaeWorkbench.Engine.Data;

namespace VaeWorkbench.Engine.Model;

/// <summary>Inference over a whole <see cref="IImageSource"/> a chunk at a time, so a set larger than memory is never one array.</summary>
public static class VaeSourceExtensions
{
    // A multiple of the model's inference batch (256), so chunked results equal one call on the whole array bit for bit.
    public const int Chunk = 1024;

    /// <summary>source -> μ:(Count, L), encoded chunk by chunk.</summary>
    public static float[] EncodeMeans(this Vae model, IImageSource source)
    {
        CheckShape(model, source);
        var means = new float[(long)source.Count * model.Latent];
        foreach (var (start, n, pixels) in source.Chunks(Chunk))
            model.Encode(pixels.AsSpan(0, n * source.PixelCount), n, model.ClassesOf(source, start, n)).Mean.CopyTo(means.AsSpan(start * model.Latent));
        return means;
    }

    /// <summary>The chosen images -> μ:(n, L), log σ²:(n, L), gathered and encoded a chunk at a time.</summary>
    public static (float[] Mean, float[] LogVariance) Encode(this Vae model, IImageSource source, ReadOnlySpan<int> rows)
    {
        CheckShape(model, source);
        var latent = model.Latent;
        var mean = new float[(long)rows.Length * latent];
        var logVariance = new float[(long)rows.Length * latent];
        var pixels = new float[(long)Math.Min(Chunk, rows.Length) * source.PixelCount];
        for (var start = 0; start < rows.Length; start += Chunk)
        {
            var n = Math.Min(Chunk, rows.Length - start);
            source.Gather(rows.Slice(start, n), pixels);
            var (m, lv) = model.Encode(pixels.AsSpan(0, n * source.PixelCount), n, ClassesOf(model, source, rows.Slice(start, n)));
            m.CopyTo(mean.AsSpan(start * latent));
            lv.CopyTo(logVariance.AsSpan(start * latent));
        }
        return (mean, logVariance);
    }

    /// <summary>
    /// The classes of images [start, start + n) of <paramref name="source"/> as a conditional model takes them (each image
    /// at its own class), or none for an unconditional model. Refuses, naming the image, a source without classes or an
    /// image without one.
    /// </summary>
    public static int[] ClassesOf(this Vae model, IImageSource source, int start, int n)
    {
        if (!model.Conditional) return [];
        var classes = LabelsOf(model, source).AsSpan(start, n).ToArray();
        for (var i = 0; i < n; i++) CheckClass(model, classes[i], start + i);
        return classes;
    }

    private static int[] ClassesOf(Vae model, IImageSource source, ReadOnlySpan<int> rows)
    {
        if (!model.Conditional) return [];
        var labels = LabelsOf(model, source);
        var classes = new int[rows.Length];
        for (var i = 0; i < rows.Length; i++) CheckClass(model, classes[i] = labels[rows[i]], rows[i]);
        return classes;
    }

    private static void CheckClass(Vae model, int label, int image)
    {
        if (label < 0) throw new ArgumentException($"image {image} has no class, and this model is conditional on {model.ClassCount} classes: it needs every image's class");
        if (label >= model.ClassCount) throw new ArgumentException($"image {image} is of class {label}, outside the model's {model.ClassCount} classes (0..{model.ClassCount - 1})");
    }

    private static int[] LabelsOf(Vae model, IImageSource source) =>
        source.Labels ?? throw new ArgumentException($"this model is conditional on {model.ClassCount} classes, and the images have none");

    public static void CheckShape(Vae model, IImageSource source)
    {
        if (source.PixelCount != model.PixelCount)
            throw new ArgumentException($"the dataset's images are {source.Channels}x{source.Height}x{source.Width} but the model takes {model.Config.Channels}x{model.Config.Height}x{model.Config.Width}");
    }
}
