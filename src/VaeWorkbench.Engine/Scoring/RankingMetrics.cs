namespace VaeWorkbench.Engine.Scoring;

public readonly record struct RocPoint(double FalsePositiveRate, double TruePositiveRate, double Threshold);

/// <summary>
/// How well a score separates anomalies (positives) from normal images, higher score = more anomalous.
/// Tied scores are one threshold step: they enter the ROC curve together (a diagonal segment) and count half in the AUROC.
/// </summary>
public static class RankingMetrics
{
    /// <summary>P(score of a random anomaly &gt; score of a random normal) + ½·P(equal): the Mann–Whitney U with mid-ranks.</summary>
    public static double Auroc(ReadOnlySpan<double> scores, ReadOnlySpan<bool> isAnomaly)
    {
        var order = Sorted(scores, isAnomaly, out var positives, out var negatives);
        double rankSum = 0;
        for (var start = 0; start < order.Length;)
        {
            var end = TieGroupEnd(order, scores, start);
            var midRank = (start + 1 + end) / 2.0; // ranks start..end-1 in 1-based ascending order are start+1..end
            for (var i = start; i < end; i++) if (isAnomaly[order[i]]) rankSum += midRank;
            start = end;
        }
        return (rankSum - positives * (positives + 1) / 2.0) / ((double)positives * negatives);
    }

    /// <summary>Σ over thresholds (tie groups, highest first) of (recall gain) × precision at that threshold, as scikit-learn defines it.</summary>
    public static double AveragePrecision(ReadOnlySpan<double> scores, ReadOnlySpan<bool> isAnomaly)
    {
        var order = Sorted(scores, isAnomaly, out var positives, out _);
        double ap = 0, previousRecall = 0;
        var truePositives = 0;
        for (var end = order.Length; end > 0;)
        {
            var start = TieGroupStart(order, scores, end);
            for (var i = start; i < end; i++) if (isAnomaly[order[i]]) truePositives++;
            var flagged = order.Length - start;
            var recall = (double)truePositives / positives;
            ap += (recall - previousRecall) * truePositives / flagged;
            previousRecall = recall;
            end = start;
        }
        return ap;
    }

    /// <summary>The ROC curve from (0,0) to (1,1), one point per distinct score (flag everything ≥ it), highest first.</summary>
    public static IReadOnlyList<RocPoint> RocCurve(ReadOnlySpan<double> scores, ReadOnlySpan<bool> isAnomaly)
    {
        var order = Sorted(scores, isAnomaly, out var positives, out var negatives);
        var points = new List<RocPoint> { new(0, 0, double.PositiveInfinity) };
        int tp = 0, fp = 0;
        for (var end = order.Length; end > 0;)
        {
            var start = TieGroupStart(order, scores, end);
            for (var i = start; i < end; i++)
                if (isAnomaly[order[i]]) tp++; else fp++;
            points.Add(new RocPoint((double)fp / negatives, (double)tp / positives, scores[order[start]]));
            end = start;
        }
        return points;
    }

    // Indices sorted by ascending score; both classes must be present and every score finite.
    private static int[] Sorted(ReadOnlySpan<double> scores, ReadOnlySpan<bool> isAnomaly, out int positives, out int negatives)
    {
        if (scores.Length != isAnomaly.Length) throw new ArgumentException($"{scores.Length} scores but {isAnomaly.Length} labels");
        positives = 0;
        for (var i = 0; i < scores.Length; i++)
        {
            if (!double.IsFinite(scores[i])) throw new ArgumentException($"score {i} is not finite ({scores[i]})");
            if (isAnomaly[i]) positives++;
        }
        negatives = scores.Length - positives;
        if (positives == 0 || negatives == 0) throw new ArgumentException("ranking metrics need at least one anomaly and one normal image");
        var order = new int[scores.Length];
        for (var i = 0; i < order.Length; i++) order[i] = i;
        var keys = scores.ToArray();
        Array.Sort(keys, order);
        return order;
    }

    private static int TieGroupEnd(int[] order, ReadOnlySpan<double> scores, int start)
    {
        var end = start + 1;
        while (end < order.Length && scores[order[end]] == scores[order[start]]) end++;
        return end;
    }

    private static int TieGroupStart(int[] order, ReadOnlySpan<double> scores, int end)
    {
        var start = end - 1;
        while (start > 0 && scores[order[start - 1]] == scores[order[end - 1]]) start--;
        return start;
    }
}
