using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using VaeWorkbench.Engine.Data;
using VaeWorkbench.Engine.Model;
using VaeWorkbench.Engine.Scoring;
using VaeWorkbench.Engine.Training;
using VaeWorkbench.Imaging.Formats.Png;

namespace VaeWorkbench.Cli.Commands;

/// <summary>
/// <c>vae oneclass</c>: the one-class anomaly benchmark. For each class, train on that class's training images only,
/// score the whole test split with every method, and report the AUROC with the other classes as anomalies
/// (one JSON line per class, then the means), plus each method's scoring speed.
/// </summary>
public sealed class OneClassCommand : ICliCommand
{
    public string Name => "oneclass";
    public string Summary => "one-class anomaly benchmark: per class, train on it, AUROC of each method on the test split";
    public string Usage => """
        usage: vae oneclass --data <dir> [--arch mlp|conv] [--epochs 20] [--classes 0,1,...] [--methods recon,elbo,iwae,latent,complexity] [--k 10] [--test-limit N] [--seed N] [--threads N]
          --k        samples per image for elbo, iwae and complexity
        """;

    public int Run(CliArguments args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var data = args.Required("data");
        var arch = args.Choice("arch", VaeArchitecture.Mlp, new Dictionary<string, VaeArchitecture> { ["mlp"] = VaeArchitecture.Mlp, ["conv"] = VaeArchitecture.Conv });
        var epochs = args.Int("epochs", 20, 1, 10_000);
        var classes = (args.String("classes") ?? "0,1,2,3,4,5,6,7,8,9").Split(',').Select(c => int.Parse(c, CultureInfo.InvariantCulture)).ToArray();
        var methods = (args.String("methods") ?? "recon,elbo,iwae,latent,complexity").Split(',')
            .Select(m => AnomalyMethods.TryParse(m, out var parsed) ? parsed : throw new UsageException($"unknown method '{m}'")).ToArray();
        var k = args.Int("k", 10, 1, 100_000);
        var testLimit = args.Has("test-limit") ? args.Int("test-limit", 0, 1) : (int?)null;
        var seed = (ulong)args.Int("seed", 1, 0);
        var threads = args.Int("threads", Environment.ProcessorCount, 1, 256);
        args.EnsureAllConsumed();

        var train = DatasetLoader.Load(data, DatasetSplit.Train);
        var test = DatasetLoader.Load(data, DatasetSplit.Test, testLimit);
        if (train.Labels is null || test.Labels is null) throw new InvalidDataException("the one-class benchmark needs labels for both splits");
        var sums = new Dictionary<AnomalyMethod, double>();
        foreach (var cls in classes)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var normal = OnlyClass(train, cls);
            var preset = arch == VaeArchitecture.Mlp ? VaeConfig.MlpPreset() : VaeConfig.ConvPreset();
            var config = preset with { Channels = train.Channels, Height = train.Height, Width = train.Width };
            var options = new TrainingOptions { Epochs = epochs, Seed = seed, Threads = threads };
            var trainer = new Trainer(new Vae(config, seed), options);
            var clock = Stopwatch.StartNew();
            trainer.Run(normal, null, cancellationToken);
            var trainSeconds = clock.Elapsed.TotalSeconds;
            var model = trainer.Model;
            model.Threads = threads;
            var scorer = new AnomalyScorer(model) { CompressedLength = image => PngCompressedLength.Nats(image, test.Channels, test.Height, test.Width) };
            var isAnomaly = test.Labels.Select(l => l != cls).ToArray();
            var row = new Dictionary<string, object>
            {
                ["class"] = cls, ["train_images"] = normal.Count, ["epochs"] = trainer.History.Count,
                ["train_loss"] = Math.Round(trainer.History[^1].TrainLoss, 2), ["train_s"] = Math.Round(trainSeconds, 1),
            };
            foreach (var method in methods)
            {
                clock.Restart();
                if (method == AnomalyMethod.Latent) scorer.FitLatent(normal.Pixels, normal.Count);
                var scores = scorer.Score(test.Pixels, test.Count, method, k, seed);
                var seconds = clock.Elapsed.TotalSeconds;
                var auroc = RankingMetrics.Auroc(scores, isAnomaly);
                sums[method] = sums.GetValueOrDefault(method) + auroc;
                row[method.Name()] = Math.Round(auroc, 4);
                row[method.Name() + "_img_per_s"] = Math.Round(test.Count / seconds);
            }
            stdout.WriteLine(JsonSerializer.Serialize(row));
            stdout.Flush();
        }
        var mean = new Dictionary<string, object> { ["class"] = "mean" };
        foreach (var (method, sum) in sums) mean[method.Name()] = Math.Round(sum / classes.Length, 4);
        stdout.WriteLine(JsonSerializer.Serialize(mean));
        return 0;
    }

    private static ImageDataset OnlyClass(ImageDataset data, int cls)
    {
        var rows = Enumerable.Range(0, data.Count).Where(i => data.Labels![i] == cls).ToArray();
        if (rows.Length == 0) throw new InvalidDataException($"no training images of class {cls}");
        var pixels = new float[rows.Length * data.PixelCount];
        for (var i = 0; i < rows.Length; i++) data.Image(rows[i]).CopyTo(pixels.AsSpan(i * data.PixelCount));
        return new ImageDataset(pixels, rows.Length, data.Channels, data.Height, data.Width, [.. rows.Select(_ => cls)]);
    }
}
