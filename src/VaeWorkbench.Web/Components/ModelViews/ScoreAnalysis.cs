using VaeWorkbench.Engine.Scoring;

namespace VaeWorkbench.Web.Components.ModelViews;

public sealed record ChartPoint(double X, double Y);

/// <summary>What the scoring panel draws from one job's scores: histogram, threshold line, flagged count, ROC curve.</summary>
public static class ScoreAnalysis
{
    public const int Bins = 40;

    /// <summary>Counts in <see cref="Bins"/> equal-width bins over [min, max], as points at the bin centres.</summary>
    public static List<ChartPoint> Histogram(IReadOnlyList<double> scores)
    {
        if (scores.Count == 0) return [];
        double min = scores.Min(), max = scores.Max();
        var width = max > min ? (max - min) / Bins : 1;
        var counts = new int[Bins];
        foreach (var s in scores) counts[Math.Min(Bins - 1, (int)((s - min) / width))]++;
        return [.. counts.Select((c, i) => new ChartPoint(min + (i + 0.5) * width, c))];
    }

    public static List<ChartPoint> ThresholdLine(double threshold, IReadOnlyList<ChartPoint> histogram) =>
        histogram.Count == 0 ? [] : [new(threshold, 0), new(threshold, histogram.Max(p => p.Y))];

    public static List<ChartPoint> Roc(IReadOnlyList<double> scores, IReadOnlyList<bool> isAnomaly)
    {
        var curve = RankingMetrics.RocCurve(scores.ToArray(), isAnomaly.ToArray());
        // At most ~200 points on screen; the curve's ends are kept.
        var step = Math.Max(1, curve.Count / 200);
        return [.. curve.Where((_, i) => i % step == 0 || i == curve.Count - 1).Select(p => new ChartPoint(p.FalsePositiveRate, p.TruePositiveRate))];
    }
}
