using System.Globalization;
using VaeWorkbench.Engine.Scoring;

namespace VaeWorkbench.Web.Components.ModelViews;

public sealed record ChartPoint(double X, double Y);

/// <summary>A histogram split at the threshold: per bin, how many images stay and how many the rule flags.</summary>
public sealed record SplitHistogram(string[] Labels, double[] Kept, double[] Flagged);

/// <summary>A curve sampled on a fixed grid of x values, as the category axis of a line chart needs.</summary>
public sealed record GridCurve(string[] Labels, double[] Values);

/// <summary>What the scoring panel draws from one job's scores: histogram split by the threshold, flagged count, ROC curve.</summary>
public static class ScoreAnalysis
{
    public const int Bins = 40;

    /// <summary>Points of the ROC grid; 51 gives a step of 0.02 in false positive rate.</summary>
    public const int RocGrid = 51;

    /// <summary>
    /// The histogram with each bin's images split into those at or below <paramref name="threshold"/> and those above it
    /// (flagged, as <see cref="ThresholdRule.CountFlagged"/> counts them). Without a threshold nothing is flagged.
    /// </summary>
    public static SplitHistogram Split(IReadOnlyList<double> scores, double? threshold)
    {
        if (scores.Count == 0) return new([], [], []);
        var (min, width) = Binning(scores);
        var kept = new double[Bins];
        var flagged = new double[Bins];
        foreach (var s in scores)
        {
            if (threshold is { } t && s > t) flagged[Bin(s, min, width)]++;
            else kept[Bin(s, min, width)]++;
        }
        var labels = Enumerable.Range(0, Bins).Select(i => (min + (i + 0.5) * width).ToString("0.##", CultureInfo.InvariantCulture)).ToArray();
        return new(labels, kept, flagged);
    }

    public static List<ChartPoint> Roc(IReadOnlyList<double> scores, IReadOnlyList<bool> isAnomaly)
    {
        var curve = RankingMetrics.RocCurve(scores.ToArray(), isAnomaly.ToArray());
        // At most ~200 points on screen; the curve's ends are kept.
        var step = Math.Max(1, curve.Count / 200);
        return [.. curve.Where((_, i) => i % step == 0 || i == curve.Count - 1).Select(p => new ChartPoint(p.FalsePositiveRate, p.TruePositiveRate))];
    }

    /// <summary>
    /// The ROC curve's true positive rate at <see cref="RocGrid"/> evenly spaced false positive rates: at each rate, the
    /// best rate the curve reaches without exceeding it (the curve is a staircase, so this is exact at the grid points).
    /// Both in percent: the chart's axis steps are whole numbers.
    /// </summary>
    public static GridCurve OnGrid(IReadOnlyList<ChartPoint> roc)
    {
        var labels = new string[RocGrid];
        var values = new double[RocGrid];
        for (var g = 0; g < RocGrid; g++)
        {
            var x = (double)g / (RocGrid - 1);
            labels[g] = (100 * x).ToString("0", CultureInfo.InvariantCulture);
            values[g] = 100 * roc.Where(p => p.X <= x + 1e-12).Select(p => p.Y).DefaultIfEmpty(0).Max();
        }
        return new(labels, values);
    }

    /// <summary>A whole-number axis step giving about five ticks up to <paramref name="max"/> (chart axes take whole steps).</summary>
    public static int AxisStep(double max)
    {
        if (!(max > 5)) return 1;
        var raw = max / 5;
        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        return (int)((raw / magnitude) switch { < 1.5 => 1, < 3 => 2, < 7 => 5, _ => 10 } * magnitude);
    }

    private static (double Min, double Width) Binning(IReadOnlyList<double> scores)
    {
        double min = scores.Min(), max = scores.Max();
        return (min, max > min ? (max - min) / Bins : 1);
    }

    private static int Bin(double score, double min, double width) => Math.Min(Bins - 1, (int)((score - min) / width));
}
