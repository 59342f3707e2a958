namespace VaeWorkbench.Engine.Classification;

/// <summary>
/// Class fidelity of a generated set: the share of its images that the judge (a classifier trained on the real
/// training split) assigns to the class they were generated for, overall and per class, beside the judge's own
/// accuracy on the real test split (a judge that is often wrong cannot certify much).
/// </summary>
public sealed record ClassFidelity(ClassAgreement Agreement, double JudgeAccuracy)
{
    /// <summary>pixels:(n,P) with the class asked for in <paramref name="labels"/>; samples labelled −1 (no class) are left out.</summary>
    public static ClassFidelity? Measure(Classifier judge, double judgeAccuracy, ReadOnlySpan<float> pixels, ReadOnlySpan<int> labels)
    {
        var pixelCount = judge.Config.PixelCount;
        if (pixels.Length != (long)labels.Length * pixelCount) throw new ArgumentException($"{labels.Length} labels for {pixels.Length / Math.Max(1, pixelCount)} images");
        var kept = new List<int>();
        for (var i = 0; i < labels.Length; i++) if (labels[i] >= 0) kept.Add(i);
        if (kept.Count == 0) return null;
        var chosen = new float[kept.Count * pixelCount];
        for (var i = 0; i < kept.Count; i++) pixels.Slice(kept[i] * pixelCount, pixelCount).CopyTo(chosen.AsSpan(i * pixelCount));
        var asked = new int[kept.Count];
        for (var i = 0; i < kept.Count; i++) asked[i] = labels[kept[i]];
        return new ClassFidelity(ClassAgreement.Measure(judge.Predict(chosen, kept.Count), asked), judgeAccuracy);
    }
}
