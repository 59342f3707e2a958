using VaeWorkbench.Engine.Training;

namespace VaeWorkbench.Engine.Tests.Training;

public sealed class SettingRangeTests
{
    [Theory]
    [InlineData(1, true)]
    [InlineData(100_000, true)]
    [InlineData(0, false)]
    [InlineData(100_001, false)]
    [InlineData(2.5, false)]
    [InlineData(double.NaN, false)]
    [InlineData(double.PositiveInfinity, false)]
    public void A_whole_number_range_takes_its_ends_and_refuses_fractions_and_non_numbers(double value, bool allowed) =>
        Assert.Equal(allowed, TrainingSettingRanges.Epochs.Allows(value));

    [Fact]
    public void An_exclusive_minimum_is_refused_and_worded_as_such()
    {
        Assert.False(TrainingSettingRanges.LearningRate.Allows(0));
        Assert.True(TrainingSettingRanges.LearningRate.Allows(1e-9));
        Assert.True(TrainingSettingRanges.LearningRate.Allows(1));
        Assert.Equal("must be greater than 0 and at most 1 (got 50)", TrainingSettingRanges.LearningRate.Check(50));
        Assert.Null(TrainingSettingRanges.LearningRate.Check(0.001));
    }

    [Fact]
    public void Every_range_names_a_distinct_field_and_flag_and_holds_its_own_default()
    {
        Assert.Equal(TrainingSettingRanges.All.Count, TrainingSettingRanges.All.Select(r => r.Field).Distinct().Count());
        Assert.Equal(TrainingSettingRanges.All.Count, TrainingSettingRanges.All.Select(r => r.CliFlag).Distinct().Count());
        var defaults = new TrainingOptions();
        Assert.True(TrainingSettingRanges.Epochs.Allows(defaults.Epochs));
        Assert.True(TrainingSettingRanges.Batch.Allows(defaults.BatchSize));
        Assert.True(TrainingSettingRanges.LearningRate.Allows(defaults.LearningRate));
    }
}
