using System.Text.Json;
using VaeWorkbench.Engine.Data;

namespace VaeWorkbench.Cli.Tests.Commands;

/// <summary>--memory-budget-mb: an IDX split past the budget is read from shards, and `vae bench memory` reports what it used.</summary>
public sealed class MemoryBudgetTests : IDisposable
{
    private const string FashionMnist = "/usr/share/datasets/fashion-mnist";
    private readonly string _dir = CliHarness.TempDirectory();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void An_idx_split_past_the_budget_is_sharded_and_feeds_the_same_floats_as_the_split_in_memory()
    {
        // 2,000 images of 784 bytes (1.5 MB) against a 1 MB budget.
        var memory = new MemoryBudget(1 << 20, Path.Combine(_dir, "shards"));
        var log = new StringWriter();
        var source = DatasetLoader.Open(FashionMnist, DatasetSplit.Test, memory, limit: 2000, log: log);
        using var sharded = Assert.IsType<ShardedImageSet>(source);
        Assert.Contains("exceed the memory budget of 1 MB", log.ToString());
        var floats = DatasetLoader.Load(FashionMnist, DatasetSplit.Test, 2000);
        Assert.Equal(floats.Labels, sharded.Labels);
        int[] picks = [1999, 0, 777, 1024, 5];
        var expected = new float[picks.Length * 784];
        var actual = new float[picks.Length * 784];
        floats.Gather(picks, expected);
        sharded.Gather(picks, actual);
        Assert.Equal(expected, actual);

        var inMemory = DatasetLoader.Open(FashionMnist, DatasetSplit.Test, memory with { BudgetBytes = 2 << 20 }, limit: 2000);
        Assert.IsType<ByteImageSet>(inMemory);
    }

    [Fact]
    public void Train_with_a_tiny_budget_reads_shards_and_writes_a_model()
    {
        var model = Path.Combine(_dir, "m.vae");
        var (code, stdout, stderr) = CliHarness.Run("train", "--data", FashionMnist, "--limit", "2000", "--test-limit", "200", "--epochs", "2", "--batch", "64",
            "--threads", "1", "--memory-budget-mb", "1", "--shard-dir", Path.Combine(_dir, "shards"), "--out", model);
        Assert.True(code == 0, stderr);
        Assert.Contains("reading them from shards", stderr);
        var epochs = stdout.Trim().Split('\n').Select(l => JsonDocument.Parse(l).RootElement.GetProperty("train_loss").GetDouble()).ToList();
        Assert.Equal(2, epochs.Count);
        Assert.True(epochs[1] < epochs[0], $"loss {epochs[0]} -> {epochs[1]}");
        Assert.True(File.Exists(model));
    }

    [Fact]
    public void Bench_memory_reports_shards_past_the_budget_and_bytes_within_it()
    {
        // 6,000 random 3x8x8 images: 1.1 MB of pixels.
        foreach (var (budget, expected) in new[] { ("1", "shards"), ("4", "bytes") })
        {
            var (code, stdout, stderr) = CliHarness.Run("bench", "memory", "--images", "6000", "--size", "8", "--task", "score", "--threads", "1",
                "--memory-budget-mb", budget, "--shard-dir", Path.Combine(_dir, "bench-shards"));
            Assert.True(code == 0, stderr);
            var line = JsonDocument.Parse(stdout.Trim()).RootElement;
            Assert.Equal(expected, line.GetProperty("source").GetString());
            Assert.Equal(6000, line.GetProperty("images").GetInt32());
            Assert.True(line.GetProperty("vm_hwm_mb").GetDouble() > 0);
        }
    }

    [Fact]
    public void A_budget_below_one_megabyte_is_refused_naming_the_flag()
    {
        var (code, _, stderr) = CliHarness.Run("bench", "memory", "--images", "10", "--memory-budget-mb", "0");
        Assert.NotEqual(0, code);
        Assert.Contains("memory-budget-mb", stderr);
    }
}
