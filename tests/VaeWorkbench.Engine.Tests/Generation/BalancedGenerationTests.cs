using VaeWorkbench.Engine.Data;
using VaeWorkbench.Engine.Generation;
using VaeWorkbench.Engine.Model;
using VaeWorkbench.Engine.Training;

namespace VaeWorkbench.Engine.Tests.Generation;

/// <summary>The quality filter's per-class report and its two ways of keeping the class balance.</summary>
public class BalancedGenerationTests
{
    // Three classes of 3x4 images, as in GeneratorTests; a briefly trained model, so the classes differ in how well it fits them.
    private static readonly ImageDataset Striped = StripedImages(90, 7);
    private static readonly Lazy<Vae> Model = new(() =>
    {
        var trainer = new Trainer(new Vae(TestData.TinyMlp() with { Hidden = [32] }, 1), new TrainingOptions { Epochs = 100, BatchSize = 10, LearningRate = 1e-2f });
        trainer.Run(Striped, null);
        return trainer.Model;
    });

    private static ImageDataset StripedImages(int count, ulong seed)
    {
        var rng = new Rng(seed);
        var pixels = new float[count * 12];
        var labels = new int[count];
        for (var i = 0; i < count; i++)
        {
            labels[i] = i % 3;
            for (var p = 0; p < 12; p++) pixels[i * 12 + p] = (p / 4 == labels[i] ? 0.9f : 0.05f) + 0.05f * rng.NextFloat();
        }
        return new ImageDataset(pixels, count, 1, 3, 4, labels);
    }

    private static readonly GenerationRequest PerClass = new() { Mode = GenerationMode.PerClass, Count = 300, Seed = 5, Temperature = 1f };
    private static readonly GenerationFilter Tight = new() { MaxElboPercentile = 50 };

    private static (List<GeneratedChunk> Chunks, FilterReport Report) Run(BalanceOptions balance, GenerationRequest? request = null, GenerationFilter? filter = null)
    {
        var report = new FilterReport();
        var chunks = BalancedGeneration.Generate(Model.Value, Striped, request ?? PerClass, filter ?? Tight, balance, report).ToList();
        return (chunks, report);
    }

    private static Dictionary<int, int> KeptPerClass(List<GeneratedChunk> chunks) =>
        chunks.SelectMany(c => c.Labels).GroupBy(l => l).ToDictionary(g => g.Key, g => g.Count());

    [Fact]
    public void Without_balance_the_report_counts_what_the_filter_removed_per_class_and_the_samples_are_the_plain_generators()
    {
        var (chunks, report) = Run(new BalanceOptions());
        var plain = Generator.Generate(Model.Value, Striped, PerClass, Tight).ToList();
        Assert.Equal(plain.SelectMany(c => c.Pixels), chunks.SelectMany(c => c.Pixels));
        Assert.Equal(plain.SelectMany(c => c.Indices), chunks.SelectMany(c => c.Indices));
        Assert.Equal([0, 1, 2], report.Classes.Select(c => c.Label));
        Assert.All(report.Classes, c => Assert.Equal((100, 100, 0), (c.Generated, c.Target, c.RemovedForBalance)));
        var kept = KeptPerClass(chunks);
        Assert.All(report.Classes, c => Assert.Equal(kept.GetValueOrDefault(c.Label), c.Kept));
        Assert.All(report.Classes, c => Assert.Equal(c.Generated - c.Kept, c.RemovedByFilter));
        Assert.True(report.Classes.Sum(c => c.RemovedByFilter) > 0);
        Assert.Equal(300, report.Attempts);
        Assert.NotNull(report.ElboThreshold);
    }

    [Fact]
    public void Same_share_keeps_as_many_of_each_class_as_the_hardest_hit_one_keeps_dropping_the_worst_scores()
    {
        var (plainChunks, plainReport) = Run(new BalanceOptions());
        var (chunks, report) = Run(new BalanceOptions(ClassBalance.SameShare));
        var fewest = plainReport.Classes.Min(c => c.Kept);
        Assert.True(fewest > 0, string.Join(", ", plainReport.Classes));
        Assert.True(plainReport.Classes.Max(c => c.Kept) > fewest, "the filter hit every class alike; the test needs classes it treats differently");
        Assert.All(report.Classes, c => Assert.Equal(fewest, c.Kept));
        Assert.All(KeptPerClass(chunks), k => Assert.Equal(fewest, k.Value));
        Assert.Equal(plainReport.Classes.Select(c => c.RemovedByFilter), report.Classes.Select(c => c.RemovedByFilter));
        Assert.All(report.Classes, c => Assert.Equal(c.Generated, c.RemovedByFilter + c.RemovedForBalance + c.Kept));
        // The kept samples are the plain run's samples (same pixels), minus the worst-scoring ones of each class.
        var plainByIndex = plainChunks.SelectMany(c => c.Indices.Select((index, k) => (index, c.Labels[k], c.Scores[k]))).ToDictionary(x => x.index);
        var keptIndices = chunks.SelectMany(c => c.Indices).ToHashSet();
        Assert.Subset(plainByIndex.Keys.ToHashSet(), keptIndices);
        foreach (var label in new[] { 0, 1, 2 })
        {
            var ofClass = plainByIndex.Values.Where(x => x.Item2 == label).ToList();
            var worstKept = ofClass.Where(x => keptIndices.Contains(x.index)).Max(x => x.Item3);
            var bestDropped = ofClass.Where(x => !keptIndices.Contains(x.index)).Select(x => x.Item3).DefaultIfEmpty(double.PositiveInfinity).Min();
            Assert.True(worstKept <= bestDropped, $"class {label}: kept a score of {worstKept} but dropped {bestDropped}");
        }
        var plainPixels = plainChunks.SelectMany(c => Enumerable.Range(0, c.Kept).Select(k => (c.Indices[k], c.Pixels.AsSpan(k * 12, 12).ToArray()))).ToDictionary(x => x.Item1, x => x.Item2);
        foreach (var c in chunks)
            for (var k = 0; k < c.Kept; k++) Assert.Equal(plainPixels[c.Indices[k]], c.Pixels.AsSpan(k * 12, 12).ToArray());
    }

    [Fact]
    public void Top_up_fills_every_class_to_its_target_and_starts_with_the_plain_samples()
    {
        var (plainChunks, _) = Run(new BalanceOptions());
        var (chunks, report) = Run(new BalanceOptions(ClassBalance.TopUp, 3000));
        Assert.False(report.BoundHit, report.Message);
        Assert.All(report.Classes, c => Assert.Equal((100, 100), (c.Target, c.Kept)));
        Assert.All(KeptPerClass(chunks), k => Assert.Equal(100, k.Value));
        Assert.True(report.Attempts > 300);
        Assert.Equal(report.Attempts, chunks.Sum(c => c.Generated));
        Assert.Equal(report.Attempts, report.Classes.Sum(c => c.Generated));
        // The first 300 draws are the plain run's.
        var plainIndices = plainChunks.SelectMany(c => c.Indices).ToList();
        Assert.Equal(plainIndices, chunks.SelectMany(c => c.Indices).Where(i => i < 300));
    }

    [Fact]
    public void A_top_up_stops_at_its_bound_and_says_which_classes_are_short()
    {
        var impossible = new GenerationFilter { MinDuplicateDistance = 100 };
        var (chunks, report) = Run(new BalanceOptions(ClassBalance.TopUp, 450), PerClass with { Count = 30 }, impossible);
        Assert.True(report.BoundHit);
        Assert.Equal(450, report.Attempts);
        Assert.Empty(chunks.SelectMany(c => c.Labels));
        Assert.Contains("bound of 450", report.Message);
        Assert.Contains("class 0 has 0 of 10", report.Message);
    }

    [Fact]
    public void Bad_balance_options_are_refused_before_anything_is_generated()
    {
        Assert.Contains("between the count", Assert.Throws<ArgumentException>(() => BalancedGeneration.Generate(Model.Value, Striped, PerClass, Tight, new BalanceOptions(ClassBalance.TopUp, 10), new FilterReport())).Message);
        Assert.Contains("topUp", Assert.Throws<ArgumentException>(() => BalancedGeneration.Generate(Model.Value, Striped, PerClass, Tight, new BalanceOptions(ClassBalance.SameShare, 1000), new FilterReport())).Message);
    }
}
