using VaeWorkbench.Engine.Scoring;

namespace VaeWorkbench.Engine.Tests.Scoring;

public class RankingMetricsTests
{
    // Hand-computed: of the 4 (anomaly, normal) pairs, 0.8 beats both normals, 0.35 beats 0.1 but not 0.4 → 3/4.
    private static readonly double[] Scores = [0.1, 0.4, 0.35, 0.8];
    private static readonly bool[] Labels = [false, false, true, true];

    [Fact]
    public void AurocOfTheTextbookExample() => Assert.Equal(0.75, RankingMetrics.Auroc(Scores, Labels), 12);

    [Fact]
    public void AveragePrecisionOfTheTextbookExample()
    {
        // thresholds 0.8: recall ½ at precision 1; 0.4: recall ½; 0.35: recall 1 at precision 2/3 → ½ + ½·⅔
        Assert.Equal(0.5 + 0.5 * 2 / 3.0, RankingMetrics.AveragePrecision(Scores, Labels), 12);
    }

    [Fact]
    public void RocCurveHasOnePointPerThreshold()
    {
        var roc = RankingMetrics.RocCurve(Scores, Labels);
        Assert.Equal([(0.0, 0.0), (0.0, 0.5), (0.5, 0.5), (0.5, 1.0), (1.0, 1.0)], roc.Select(p => (p.FalsePositiveRate, p.TruePositiveRate)));
        Assert.Equal([0.8, 0.4, 0.35, 0.1], roc.Skip(1).Select(p => p.Threshold));
    }

    [Fact]
    public void TiesCountHalfAndFormOneStep()
    {
        double[] scores = [1, 2, 2, 3];
        bool[] labels = [false, true, false, true];
        // pairs: 3>1, 3>2, 2>1, 2=2 (½) → 3.5/4
        Assert.Equal(0.875, RankingMetrics.Auroc(scores, labels), 12);
        // thresholds 3: recall ½ precision 1; 2 (two images together): recall 1 precision ⅔
        Assert.Equal(0.5 + 0.5 * 2 / 3.0, RankingMetrics.AveragePrecision(scores, labels), 12);
        var roc = RankingMetrics.RocCurve(scores, labels);
        Assert.Equal([(0.0, 0.0), (0.0, 0.5), (0.5, 1.0), (1.0, 1.0)], roc.Select(p => (p.FalsePositiveRate, p.TruePositiveRate)));
    }

    [Fact]
    public void AllTiedIsChanceAndPerfectSeparationIsOne()
    {
        Assert.Equal(0.5, RankingMetrics.Auroc([1, 1, 1, 1], [true, false, true, false]), 12);
        Assert.Equal(0.5, RankingMetrics.AveragePrecision([1, 1, 1, 1], [true, false, true, false]), 12);
        Assert.Equal(1, RankingMetrics.Auroc([5, 6, 1, 2], [true, true, false, false]), 12);
        Assert.Equal(1, RankingMetrics.AveragePrecision([5, 6, 1, 2], [true, true, false, false]), 12);
        Assert.Equal(0, RankingMetrics.Auroc([1, 2, 5, 6], [true, true, false, false]), 12);
    }

    [Fact]
    public void AurocMatchesTheNaivePairCount()
    {
        var rng = new Rng(3);
        var scores = Enumerable.Range(0, 300).Select(_ => (double)MathF.Round(rng.NextGaussian() * 4) / 4).ToArray(); // many ties
        var labels = Enumerable.Range(0, 300).Select(i => rng.NextFloat() < 0.3 + 0.1 * scores[i]).ToArray();
        double wins = 0; long pairs = 0;
        for (var i = 0; i < scores.Length; i++)
            for (var j = 0; j < scores.Length; j++)
                if (labels[i] && !labels[j])
                {
                    pairs++;
                    wins += scores[i] > scores[j] ? 1 : scores[i] == scores[j] ? 0.5 : 0;
                }
        Assert.Equal(wins / pairs, RankingMetrics.Auroc(scores, labels), 10);
    }

    [Fact]
    public void OneClassOnlyOrNonFiniteScoresAreRefused()
    {
        Assert.Throws<ArgumentException>(() => RankingMetrics.Auroc([1, 2], [false, false]));
        Assert.Throws<ArgumentException>(() => RankingMetrics.AveragePrecision([1, 2], [true, true]));
        Assert.Throws<ArgumentException>(() => RankingMetrics.Auroc([1, double.NaN], [true, false]));
        Assert.Throws<ArgumentException>(() => RankingMetrics.Auroc([1, 2], [true]));
    }
}
