using VaeWorkbench.Engine.Scoring;

namespace VaeWorkbench.Web.Scoring;

/// <summary>Threshold and ranking metrics of one job's scores under its current settings; the page and the API share it.</summary>
public static class ScoreEvaluation
{
    public static ThresholdRule ParseRule(string mode, double value)
    {
        if (!Enum.TryParse<ThresholdMode>(mode, ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed))
            throw new Teams.RequestRejectedException($"thresholdMode must be Percentile, RobustZ or Manual, not '{mode}'.");
        var rule = new ThresholdRule(parsed, value);
        try
        {
            rule.Compute([0.0]);
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new Teams.RequestRejectedException($"thresholdValue {value} is not valid for {parsed}: {e.Message.Split(" (Parameter")[0]}");
        }
        return rule;
    }

    public static double? Threshold(ThresholdRule rule, ReadOnlySpan<double> scores) => scores.Length == 0 ? null : rule.Compute(scores);

    /// <summary>AUROC and AP with "label not in normal classes" as the anomalies; null unless both kinds occur among labelled images.</summary>
    public static (double? Auroc, double? AveragePrecision) Ranking(IReadOnlyList<double> scores, IReadOnlyList<int?> labels, IReadOnlyCollection<int> normalClasses)
    {
        if (normalClasses.Count == 0) return (null, null);
        var kept = new List<double>();
        var anomaly = new List<bool>();
        for (var i = 0; i < scores.Count; i++)
        {
            if (labels[i] is not { } label) continue;
            kept.Add(scores[i]);
            anomaly.Add(!normalClasses.Contains(label));
        }
        if (!anomaly.Contains(true) || !anomaly.Contains(false)) return (null, null);
        return (RankingMetrics.Auroc(kept.ToArray(), anomaly.ToArray()), RankingMetrics.AveragePrecision(kept.ToArray(), anomaly.ToArray()));
    }
}
