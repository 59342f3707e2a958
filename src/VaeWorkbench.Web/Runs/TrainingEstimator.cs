using System.Diagnostics;
using VaeWorkbench.Engine.Data;
using VaeWorkbench.Engine.Model;
using VaeWorkbench.Engine.Training;

namespace VaeWorkbench.Web.Runs;

/// <summary>Estimates seconds per epoch by timing a few real training steps of the chosen model on this machine.</summary>
public static class TrainingEstimator
{
    private const int CalibrationBatches = 4;

    public static TimeSpan EstimateEpoch(VaeConfig config, TrainingOptions options, int trainingImages)
    {
        var batch = Math.Min(options.BatchSize, trainingImages);
        var count = Math.Min(trainingImages, batch * CalibrationBatches);
        var random = new Random(1);
        var pixels = new float[(long)count * config.PixelCount];
        for (var i = 0; i < pixels.Length; i++) pixels[i] = random.NextSingle();
        var sample = new ImageDataset(pixels, count, config.Channels, config.Height, config.Width);

        // One untimed epoch warms up the JIT and the buffers; the second is what a real epoch's steps cost.
        var trainer = new Trainer(new Vae(config, options.Seed), options with { Epochs = 2, EarlyStoppingPatience = 0 });
        var clock = Stopwatch.StartNew();
        var first = TimeSpan.Zero;
        trainer.EpochCompleted += report => { if (report.Epoch == 1) first = clock.Elapsed; };
        trainer.Run(sample, null);
        var perImage = (clock.Elapsed - first).TotalSeconds / count;
        return TimeSpan.FromSeconds(perImage * trainingImages);
    }
}
