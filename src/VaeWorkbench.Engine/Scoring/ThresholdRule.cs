namespace VaeWorkbench.Engine.Scoring;

public enum ThresholdMode
{
    /// <summary>Value is the percentile (0–100) of the scores; default 99.</summary>
    Percentile,
    /// <summary>Value is z: median + z·(robust spread), spread from the MAD.</summary>
    RobustZ,
    /// <summary>Value is the threshold itself.</summary>
    Manual,
}

/// <summary>
/// Turns scores into a threshold; an image is flagged when its score is strictly greater. Strictness matters: when
/// every score is the same (nothing stands out) no data-driven rule flags anything.
/// </summary>
public sealed record ThresholdRule(ThresholdMode Mode, double Value)
{
    public const double DefaultPercentile = 99;
    public const double DefaultRobustZ = 3.5; // Iglewicz & Hoaglin's cut-off for the modified z-score
    private const double MadToSigma = 1.4826;     // σ ≈ 1.4826·MAD for normal data
    private const double MeanAdToSigma = 1.253314; // σ ≈ 1.2533·mean absolute deviation for normal data

    public static ThresholdRule Default { get; } = new(ThresholdMode.Percentile, DefaultPercentile);

    public double Compute(ReadOnlySpan<double> scores)
    {
        if (!double.IsFinite(Value)) throw new ArgumentOutOfRangeException(nameof(Value), "the threshold setting must be finite");
        if (Mode == ThresholdMode.Manual) return Value;
        if (scores.Length == 0) throw new ArgumentException("a data-driven threshold needs at least one score");
        var sorted = scores.ToArray();
        Array.Sort(sorted);
        if (Mode == ThresholdMode.Percentile)
        {
            if (Value is < 0 or > 100) throw new ArgumentOutOfRangeException(nameof(Value), "the percentile must be between 0 and 100");
            return Percentile(sorted, Value);
        }
        if (Value <= 0) throw new ArgumentOutOfRangeException(nameof(Value), "the robust z cut-off must be positive");
        var median = Percentile(sorted, 50);
        var deviations = new double[sorted.Length];
        for (var i = 0; i < sorted.Length; i++) deviations[i] = Math.Abs(sorted[i] - median);
        Array.Sort(deviations);
        var spread = MadToSigma * Percentile(deviations, 50);
        // MAD = 0 when more than half the scores are equal; fall back to the mean absolute deviation (still robust
        // enough, and non-zero unless every score equals the median, in which case nothing is flagged).
        if (spread == 0) spread = MeanAdToSigma * deviations.Average();
        return median + Value * spread;
    }

    public static int CountFlagged(ReadOnlySpan<double> scores, double threshold)
    {
        var n = 0;
        foreach (var s in scores) if (s > threshold) n++;
        return n;
    }

    // Linear interpolation between closest ranks (numpy's default), on ascending data.
    internal static double Percentile(double[] sorted, double percent)
    {
        var position = percent / 100 * (sorted.Length - 1);
        var lower = (int)Math.Floor(position);
        var upper = Math.Min(lower + 1, sorted.Length - 1);
        return sorted[lower] + (position - lower) * (sorted[upper] - sorted[lower]);
    }
}
