using VaeWorkbench.Engine.Data;
using VaeWorkbench.Engine.Model;
using VaeWorkbench.Engine.Tests.Streaming;
using VaeWorkbench.Engine.Training;

namespace VaeWorkbench.Engine.Tests.Training;

/// <summary>Training draws its batches from any image source: bytes in memory or shards on disk when past the budget.</summary>
public sealed class StreamingTrainingTests : IDisposable
{
    private const int Count = 240, PixelCount = 12; // TinyMlp takes 1x3x4
    private readonly ShardTestSets _sets = new();

    public void Dispose() => _sets.Dispose();

    // Three prototypes plus noise: the untrained model's loss (logits near 0, about 12 ln 2 nats) has room to fall.
    private static (byte[] Pixels, int[] Labels) Structured()
    {
        var rng = new Rng(17);
        var pixels = new byte[Count * PixelCount];
        var labels = new int[Count];
        for (var i = 0; i < Count; i++)
        {
            labels[i] = i % 3;
            for (var p = 0; p < PixelCount; p++)
            {
                var on = (p + labels[i]) % 3 == 0;
                pixels[i * PixelCount + p] = (byte)Math.Clamp((on ? 230 : 25) + (int)(20 * rng.NextGaussian()), 0, 255);
            }
        }
        return (pixels, labels);
    }

    private static TrainingOptions Options(int epochs = 6) => new() { Epochs = epochs, BatchSize = 16, Seed = 3, Threads = 1, LearningRate = 1e-2f };

    [Fact]
    public void ASetLargerThanTheBudgetTrainsFromShardsAndItsLossFalls()
    {
        var (pixels, labels) = Structured();
        var log = new List<string>();
        var source = ImageSources.Open(ShardTestSets.Input(pixels, labels, Count, 1, 3, 4), budgetBytes: 1024, Path.Combine(_sets.Root, "train"), log.Add);
        using var sharded = Assert.IsType<ShardedImageSet>(source);
        Assert.True(sharded.Blocks.Count > sharded.WindowBlocks, $"{sharded.Blocks.Count} shards, window {sharded.WindowBlocks}: the test needs more shards than a window");
        Assert.Contains("exceed the memory budget of 0 MB", Assert.Single(log));

        var trainer = new Trainer(new Vae(TestData.TinyMlp(), 3), Options(epochs: 10));
        var untrained = trainer.Evaluate(sharded, 1).Loss;
        var history = trainer.Run(sharded, null);
        var trained = trainer.Evaluate(sharded, 1).Loss;
        Assert.Equal(10, history.Count);
        Assert.True(history[^1].TrainLoss < history[0].TrainLoss, $"epoch loss {history[0].TrainLoss:0.00} -> {history[^1].TrainLoss:0.00}");
        Assert.True(trained < untrained - 0.3, $"loss {untrained:0.00} untrained -> {trained:0.00} trained");
        Assert.True(sharded.MappedShards <= sharded.WindowBlocks);
    }

    [Fact]
    public void ASetWithinTheBudgetIsHeldAsBytesInMemory()
    {
        var (pixels, labels) = Structured();
        var source = ImageSources.Open(ShardTestSets.Input(pixels, labels, Count, 1, 3, 4), budgetBytes: Count * PixelCount, Path.Combine(_sets.Root, "unused"));
        Assert.IsType<ByteImageSet>(source);
        Assert.False(Directory.Exists(Path.Combine(_sets.Root, "unused")));
    }

    [Fact]
    public void BytesInMemoryTrainToExactlyTheWeightsOfTheFloatSet()
    {
        var (pixels, labels) = Structured();
        float[][] Train(IImageSource source)
        {
            var trainer = new Trainer(new Vae(TestData.TinyMlp(), 3), Options(epochs: 2));
            trainer.Run(source, source);
            return [.. trainer.Model.Parameters.Select(p => p.Value)];
        }
        Assert.Equal(Train(ImageDataset.FromBytes(pixels, Count, 1, 3, 4, labels)), Train(new ByteImageSet(pixels, Count, 1, 3, 4, labels)));
    }

    [Fact]
    public void ShardedTrainingIsReproducibleBySeed()
    {
        var (pixels, labels) = Structured();
        using var sharded = _sets.Shard("s", ShardTestSets.Input(pixels, labels, Count, 1, 3, 4), perShard: 20, window: 3);
        float[][] Train(ulong seed)
        {
            var trainer = new Trainer(new Vae(TestData.TinyMlp(), 3), Options(epochs: 2) with { Seed = seed });
            trainer.Run(sharded, null);
            return [.. trainer.Model.Parameters.Select(p => p.Value)];
        }
        Assert.Equal(Train(3), Train(3));
        Assert.NotEqual(Train(3), Train(4));
    }

    [Fact]
    public void EachBatchCarriesTheLabelsOfItsImages()
    {
        var (pixels, labels) = Structured();
        using var sharded = _sets.Shard("s", ShardTestSets.Input(pixels, labels, Count, 1, 3, 4), perShard: 25, window: 2);
        var trainer = new Trainer(new Vae(TestData.TinyMlp(), 3), Options(epochs: 1));
        var seen = new List<int>();
        trainer.BatchCompleted += (_, _) => seen.AddRange(trainer.BatchLabels.ToArray());
        trainer.Run(sharded, null);
        Assert.Equal(Count, seen.Count);
        Assert.Equal(labels.Order(), seen.Order());
    }
}
