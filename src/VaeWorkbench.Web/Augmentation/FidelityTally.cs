using VaeWorkbench.Engine.Classification;

namespace VaeWorkbench.Web.Augmentation;

/// <summary>
/// Collects the judge's verdicts on a set's images chunk by chunk (the set may be far larger than memory allows to keep
/// as floats) and turns them into the set's <see cref="ClassFidelityReport"/>. Images without a class are left out.
/// </summary>
internal sealed class FidelityTally(ClassJudge judge)
{
    private readonly List<int> _predicted = [];
    private readonly List<int> _asked = [];

    // pixels:(n,P), labels:(n) with −1 for none
    public void Add(float[] pixels, ReadOnlySpan<int> labels)
    {
        var pixelCount = judge.Classifier.Config.PixelCount;
        var chosen = new List<int>();
        for (var i = 0; i < labels.Length; i++) if (labels[i] >= 0) chosen.Add(i);
        if (chosen.Count == 0) return;
        var batch = new float[chosen.Count * pixelCount];
        for (var i = 0; i < chosen.Count; i++) pixels.AsSpan(chosen[i] * pixelCount, pixelCount).CopyTo(batch.AsSpan(i * pixelCount));
        int[] predicted;
        lock (judge) predicted = judge.Classifier.Predict(batch, chosen.Count); // one judge serves every job on its dataset
        _predicted.AddRange(predicted);
        foreach (var i in chosen) _asked.Add(labels[i]);
    }

    public ClassFidelityReport? Report(IReadOnlyList<string> classNames)
    {
        if (_asked.Count == 0) return null;
        var agreement = ClassAgreement.Measure([.. _predicted], [.. _asked]);
        var judgeName = $"{judge.Classifier.Config.Architecture.ToString().ToLowerInvariant()} classifier, {ClassJudgeCache.Epochs} epochs on the dataset's images";
        return new ClassFidelityReport(agreement.Share, agreement.Count, judge.Accuracy, judge.TestAgreement.Count, judgeName,
            [.. agreement.PerClass.Select(c => new ClassFidelityShare(AugmentationService.ClassName(classNames, c.Label) ?? c.Label.ToString(System.Globalization.CultureInfo.InvariantCulture), c.Count, c.Share))]);
    }
}
