using VaeWorkbench.Engine.Data;
using VaeWorkbench.Engine.Model;
using VaeWorkbench.Engine.Training;

namespace VaeWorkbench.Engine.Tests.Training;

public class TrainerTests
{
    private static readonly ImageDataset Train = TestData.RandomImages(100, 1, 3, 4, 11);
    private static readonly ImageDataset Validation = TestData.RandomImages(30, 1, 3, 4, 12);

    private static TrainingOptions Options(int threads = 1) => new() { Epochs = 3, BatchSize = 16, Seed = 5, Threads = threads, LearningRate = 3e-3f };

    private static float[][] TrainedWeights(TrainingOptions options, VaeConfig? config = null)
    {
        var trainer = new Trainer(new Vae(config ?? TestData.TinyMlp(), options.Seed), options);
        trainer.Run(Train, Validation);
        return trainer.Model.Parameters.Select(p => p.Value).ToArray();
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void SameSeedAndThreadsGiveIdenticalWeights(int threads) =>
        Assert.Equal(TrainedWeights(Options(threads)), TrainedWeights(Options(threads)));

    [Fact]
    public void ConvTrainingIsDeterministicWithTwoThreads()
    {
        var data = TestData.RandomImages(8, 1, 28, 28, 3);
        float[][] Run()
        {
            var trainer = new Trainer(new Vae(TestData.TinyConv(), 2), new TrainingOptions { Epochs = 1, BatchSize = 4, Threads = 2 });
            trainer.Run(data, null);
            return trainer.Model.Parameters.Select(p => p.Value).ToArray();
        }
        Assert.Equal(Run(), Run());
    }

    [Fact]
    public void DifferentSeedsGiveDifferentWeights() =>
        Assert.NotEqual(TrainedWeights(Options()), TrainedWeights(Options() with { Seed = 6 }));

    [Fact]
    public void ReportsEveryEpochWithLossSplitIntoReconAndKl()
    {
        var trainer = new Trainer(new Vae(TestData.TinyMlp(), 1), Options() with { WarmupEpochs = 2 });
        var seen = new List<EpochReport>();
        trainer.EpochCompleted += seen.Add;
        trainer.Run(Train, Validation);
        Assert.Equal([1, 2, 3], seen.Select(r => r.Epoch));
        foreach (var r in seen)
        {
            Assert.Equal(r.TrainReconstruction + r.TrainKl, r.TrainLoss, 9);
            Assert.Equal(r.ValidationReconstruction!.Value + r.ValidationKl!.Value, r.ValidationLoss!.Value, 9);
            Assert.True(r.ImagesPerSecond > 0 && r.EpochSeconds > 0);
        }
        Assert.True(seen[0].Beta < 1f && seen[1].Beta == 1f && seen[2].Beta == 1f, "β warms up over the first two epochs");
    }

    [Fact]
    public void EarlyStoppingEndsTrainingWhenValidationStopsImproving()
    {
        // A learning rate of 0 cannot improve anything, so patience 1 stops after epoch 2.
        var trainer = new Trainer(new Vae(TestData.TinyMlp(), 1), Options() with { Epochs = 10, LearningRate = 1e-12f, EarlyStoppingPatience = 1 });
        trainer.Run(Train, Validation);
        Assert.True(trainer.StoppedEarly);
        Assert.True(trainer.EpochsCompleted < 10, $"ran {trainer.EpochsCompleted} epochs");
    }

    [Fact]
    public void NanLossStopsWithAClearError()
    {
        var vae = new Vae(TestData.TinyMlp(), 1);
        vae.Parameters[0].Value[0] = float.NaN;
        var e = Assert.Throws<TrainingDivergedException>(() => new Trainer(vae, Options()).Run(Train, null));
        Assert.Contains("NaN", e.Message);
        Assert.Contains("epoch 1, batch 1", e.Message);
    }

    [Fact]
    public void ANonFiniteValidationLossStopsTrainingWithAClearReason()
    {
        // Training batches are finite; the validation images are not, as a diverged model's outputs on unseen data can be.
        var pixels = new float[30 * 12];
        pixels[5] = float.NaN;
        var poisoned = new ImageDataset(pixels, 30, 1, 3, 4);
        var trainer = new Trainer(new Vae(TestData.TinyMlp(), 1), Options());
        var e = Assert.Throws<TrainingDivergedException>(() => trainer.Run(Train, poisoned));
        Assert.Contains("validation loss became NaN at epoch 1", e.Message);
        Assert.Equal(0, trainer.EpochsCompleted);
    }

    [Fact]
    public void CancellationStopsTraining()
    {
        using var cts = new CancellationTokenSource();
        var trainer = new Trainer(new Vae(TestData.TinyMlp(), 1), Options() with { Epochs = 100 });
        trainer.EpochCompleted += _ => cts.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => trainer.Run(Train, null, cts.Token));
        Assert.Equal(1, trainer.EpochsCompleted);
    }

    [Fact]
    public void DenoisingFreeBitsClippingAndCosineTrainWithoutDiverging()
    {
        var options = Options() with { DenoiseNoise = 0.2f, FreeBits = 0.1f, ClipNorm = 5f, Schedule = Optim.LearningRateSchedule.Cosine, Optimizer = OptimizerKind.AdamW, WeightDecay = 0.01f };
        var trainer = new Trainer(new Vae(TestData.TinyMlp(ReconstructionKind.Gaussian), 1), options);
        var history = trainer.Run(Train, Validation);
        Assert.True(history[^1].TrainLoss < history[0].TrainLoss, $"{history[0].TrainLoss} -> {history[^1].TrainLoss}");
        Assert.Equal(0f, history[^1].LearningRate, 3);
    }

    [Fact]
    public void RejectsImagesOfTheWrongShape()
    {
        var trainer = new Trainer(new Vae(TestData.TinyMlp(), 1), Options());
        var e = Assert.Throws<ArgumentException>(() => trainer.Run(TestData.RandomImages(4, 1, 4, 4, 1), null));
        Assert.Contains("1x4x4", e.Message);
    }
}
