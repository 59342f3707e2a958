using VaeWorkbench.Engine;
using VaeWorkbench.Engine.Classification;
using VaeWorkbench.Engine.Data;
using VaeWorkbench.Engine.Generation;
using VaeWorkbench.Engine.Model;

namespace VaeWorkbench.Cli;

/// <summary>The pieces of the small-data augmentation protocol that <c>vae bench augment</c> and <c>vae bench fidelity</c> share.</summary>
internal static class AugmentationProtocol
{
    public const string DefaultData = "/usr/share/datasets/fashion-mnist";

    /// <summary>
    /// <paramref name="perClass"/> random images of each class (the small training set) and, from the images left,
    /// <paramref name="validationPerClass"/> of each class (the validation split that chooses the generated count).
    /// Disjoint, drawn from the training split only, reproducible from the seed.
    /// </summary>
    public static (ImageDataset Small, ImageDataset Validation) Split(ImageDataset train, int perClass, int validationPerClass, ulong seed)
    {
        var labels = train.Labels ?? throw new ArgumentException("the protocol needs a dataset with classes");
        var order = Enumerable.Range(0, train.Count).ToArray();
        new Rng(seed).Shuffle(order);
        var taken = new Dictionary<int, int>();
        var small = new List<int>();
        var validation = new List<int>();
        foreach (var i in order)
        {
            taken.TryGetValue(labels[i], out var n);
            if (n < perClass) small.Add(i);
            else if (n < perClass + validationPerClass) validation.Add(i);
            taken[labels[i]] = n + 1;
        }
        foreach (var (label, n) in taken)
            if (n < perClass + validationPerClass) throw new ArgumentException($"class {label} has {n} images, fewer than the {perClass} + {validationPerClass} the protocol takes");
        return (Subset(train, small), Subset(train, validation));
    }

    public static ImageDataset Subset(ImageDataset data, IReadOnlyList<int> indices)
    {
        var pixels = new float[indices.Count * data.PixelCount];
        for (var i = 0; i < indices.Count; i++) data.Image(indices[i]).CopyTo(pixels.AsSpan(i * data.PixelCount));
        return new ImageDataset(pixels, indices.Count, data.Channels, data.Height, data.Width, data.Labels is null ? null : [.. indices.Select(i => data.Labels[i])]);
    }

    /// <summary>The two sets as one (real images first).</summary>
    public static ImageDataset Concat(ImageDataset a, float[] pixels, int[] labels) =>
        new([.. a.Pixels, .. pixels], a.Count + labels.Length, a.Channels, a.Height, a.Width, [.. a.Labels!, .. labels]);

    /// <summary>
    /// <paramref name="count"/> images balanced over the classes, labelled with the class asked for: both kinds of
    /// model draw z ~ N(m_c, τ²·diag(v_c)) around class c's codes (τ: <paramref name="temperature"/>); a conditional one
    /// also decodes at class c.
    /// </summary>
    public static (float[] Pixels, int[] Labels) GeneratePerClass(Vae model, ImageDataset data, int count, ulong seed, float temperature = 1f) =>
        Generate(model, data, new GenerationRequest { Mode = GenerationMode.PerClass, Count = count, Seed = seed, Temperature = temperature });

    /// <summary>The images of one generation request, labelled (per-class, variations of labelled images) or −1.</summary>
    public static (float[] Pixels, int[] Labels) Generate(Vae model, ImageDataset data, GenerationRequest request)
    {
        var chunks = Generator.Generate(model, data, request).ToList();
        return (chunks.SelectMany(c => c.Pixels).ToArray(), chunks.SelectMany(c => c.Labels).ToArray());
    }

    /// <summary>A JSON object's members "label":share, one per class (the benches print per-class figures this way).</summary>
    public static string PerClassJson(ClassAgreement agreement) =>
        string.Join(",", agreement.PerClass.Select(c => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"\"{c.Label}\":{c.Share:0.0000}")));
}
