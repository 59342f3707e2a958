using VaeWorkbench.Engine.Scoring;

namespace VaeWorkbench.Engine.Tests.Scoring;

public class ThresholdRuleTests
{
    private static double[] Normal(int n, ulong seed)
    {
        var rng = new Rng(seed);
        return Enumerable.Range(0, n).Select(_ => 100 + 10.0 * rng.NextGaussian()).ToArray();
    }

    [Fact]
    public void PercentileInterpolatesLinearly()
    {
        double[] scores = [4, 1, 3, 2, 5]; // sorted 1..5, the 99th percentile is 1 + 0.99·4
        Assert.Equal(4.96, new ThresholdRule(ThresholdMode.Percentile, 99).Compute(scores), 12);
        Assert.Equal(3, new ThresholdRule(ThresholdMode.Percentile, 50).Compute(scores), 12);
        Assert.Equal(1, ThresholdRule.CountFlagged(scores, 4.96));
    }

    [Fact]
    public void RobustZUsesMedianAndMad()
    {
        double[] scores = [1, 2, 3, 4, 100]; // median 3, |dev| = 2,1,0,1,97 → MAD 1
        Assert.Equal(3 + 3.5 * 1.4826, new ThresholdRule(ThresholdMode.RobustZ, 3.5).Compute(scores), 12);
        Assert.Equal(1, ThresholdRule.CountFlagged(scores, new ThresholdRule(ThresholdMode.RobustZ, 3.5).Compute(scores)));
    }

    [Fact]
    public void RobustZFallsBackToTheMeanAbsoluteDeviationWhenMadIsZero()
    {
        double[] scores = [5, 5, 5, 5, 5, 5, 9]; // MAD 0; mean |dev| = 4/7
        var threshold = new ThresholdRule(ThresholdMode.RobustZ, 3.5).Compute(scores);
        Assert.Equal(5 + 3.5 * 1.253314 * 4 / 7, threshold, 12);
        Assert.Equal(1, ThresholdRule.CountFlagged(scores, threshold));
    }

    [Fact]
    public void ManualIsTheValueItself() => Assert.Equal(42.5, new ThresholdRule(ThresholdMode.Manual, 42.5).Compute([1, 2]));

    [Theory]
    [InlineData(ThresholdMode.Percentile, 99)]
    [InlineData(ThresholdMode.Percentile, 95)]
    [InlineData(ThresholdMode.RobustZ, 3.5)]
    [InlineData(ThresholdMode.RobustZ, 2)]
    public void NoDataDrivenRuleFlagsEverythingWhenThereAreNoAnomalies(ThresholdMode mode, double value)
    {
        var rule = new ThresholdRule(mode, value);
        // Well-behaved scores with no anomalies: only the expected tail is flagged (at most 5% here).
        var scores = Normal(2000, 11);
        var flagged = ThresholdRule.CountFlagged(scores, rule.Compute(scores));
        Assert.InRange(flagged, 0, 100);
        // Every score identical: nothing stands out, nothing is flagged.
        double[] constant = Enumerable.Repeat(7.25, 500).ToArray();
        Assert.Equal(0, ThresholdRule.CountFlagged(constant, rule.Compute(constant)));
        // A single image.
        Assert.Equal(0, ThresholdRule.CountFlagged([3.0], rule.Compute([3.0])));
    }

    [Fact]
    public void BadSettingsAreRefused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ThresholdRule(ThresholdMode.Percentile, 101).Compute([1.0]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ThresholdRule(ThresholdMode.RobustZ, 0).Compute([1.0]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ThresholdRule(ThresholdMode.Manual, double.NaN).Compute([1.0]));
        Assert.Throws<ArgumentException>(() => new ThresholdRule(ThresholdMode.Percentile, 99).Compute([]));
    }
}
