using System.Diagnostics;
using System.Globalization;
using VaeWorkbench.Engine;
using VaeWorkbench.Engine.Data;
using VaeWorkbench.Engine.Kernels;
using VaeWorkbench.Engine.Model;
using VaeWorkbench.Engine.Training;

namespace VaeWorkbench.Cli.Commands;

/// <summary><c>vae bench</c>: SGEMM throughput on the shapes training uses, then one timed training epoch.</summary>
public sealed class BenchCommand : ICliCommand
{
    private const string DefaultData = "/usr/share/datasets/fashion-mnist";

    public string Name => "bench";
    public string Summary => "measure SGEMM GFLOP/s and training images/s";
    public string Usage => """
        usage: vae bench [--threads N] [--arch mlp|conv|both] [--data DIR] [--limit N] [--epochs N] [--skip-gemm]
          --data    IDX directory for the epoch (default /usr/share/datasets/fashion-mnist, else random images)
          --limit   training images per epoch (default all 60000)
          --profile print each layer's forward and backward seconds per epoch
        """;

    public int Run(CliArguments args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var threads = args.Int("threads", Environment.ProcessorCount, 1, 256);
        var arch = args.Choice("arch", "both", new Dictionary<string, string> { ["mlp"] = "mlp", ["conv"] = "conv", ["both"] = "both" });
        var data = args.String("data") ?? (Directory.Exists(DefaultData) ? DefaultData : null);
        var limit = args.Has("limit") ? args.Int("limit", 0, 1) : (int?)null;
        var epochs = args.Int("epochs", 1, 1, 100);
        var skipGemm = args.Flag("skip-gemm");
        var profile = args.Flag("profile");
        var memory = MemoryBudget.From(args);
        args.EnsureAllConsumed();

        if (!skipGemm)
        {
            // (transA, transB, M, N, K): the cube, then the mlp's fc1/fc4 forward, weight-gradient and input-gradient shapes
            foreach (var (ta, tb, m, n, k) in new[] { (false, false, 1024, 1024, 1024), (false, true, 128, 400, 784), (true, false, 400, 784, 128), (false, false, 128, 784, 400), (false, true, 6272, 64, 512) })
            {
                cancellationToken.ThrowIfCancellationRequested();
                var gflops = MeasureGemm(ta, tb, m, n, k, threads);
                stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{{\"kernel\":\"sgemm\",\"trans\":\"{(ta ? 'T' : 'N')}{(tb ? 'T' : 'N')}\",\"m\":{m},\"n\":{n},\"k\":{k},\"threads\":{threads},\"gflops\":{gflops:0.0}}}"));
            }
        }

        // As training reads it: an IDX split's bytes, converted to floats batch by batch.
        IImageSource train = data is not null ? DatasetLoader.Open(data, DatasetSplit.Train, memory, limit) : RandomImages(limit ?? 60_000);
        foreach (var preset in arch == "both" ? new[] { "mlp", "conv" } : [arch])
        {
            var config = preset == "mlp" ? VaeConfig.MlpPreset() : VaeConfig.ConvPreset();
            var options = new TrainingOptions { Epochs = epochs, Threads = threads, Seed = 1 };
            var trainer = new Trainer(new Vae(config, options.Seed), options);
            if (profile)
            {
                trainer.Model.Encoder.EnableTimings();
                trainer.Model.Decoder.EnableTimings();
            }
            trainer.EpochCompleted += r => stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{{\"bench\":\"epoch\",\"arch\":\"{preset}\",\"images\":{train.Count},\"threads\":{threads},\"epoch\":{r.Epoch},\"epoch_s\":{r.EpochSeconds:0.000},\"img_per_s\":{r.ImagesPerSecond:0.0},\"train_loss\":{r.TrainLoss:0.00},\"peak_rss_mb\":{Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0:0.0}}}"));
            trainer.Run(train, null, cancellationToken);
            if (profile) PrintProfile(preset, trainer.Model, epochs, stdout);
        }
        return 0;
    }

    private static void PrintProfile(string preset, Vae model, int epochs, TextWriter stdout)
    {
        foreach (var (part, network) in new[] { ("encoder", model.Encoder), ("decoder", model.Decoder) })
        {
            var (forward, backward) = network.Timings!.Value;
            for (var i = 0; i < network.Layers.Count; i++)
            {
                var layer = network.Layers[i];
                var name = layer.Parameters.Count > 0 ? layer.Parameters[0].Name.Replace(".weight", "", StringComparison.Ordinal) : $"{part}.{i}";
                stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{{\"profile\":\"{preset}\",\"layer\":\"{name}\",\"type\":\"{layer.GetType().Name}\",\"forward_s\":{forward[i] / (double)Stopwatch.Frequency / epochs:0.000},\"backward_s\":{backward[i] / (double)Stopwatch.Frequency / epochs:0.000}}}"));
            }
        }
    }

    private static double MeasureGemm(bool transA, bool transB, int m, int n, int k, int threads)
    {
        var rng = new Rng(7);
        var a = new float[m * k];
        var b = new float[k * n];
        var c = new float[m * n];
        rng.FillGaussian(a);
        rng.FillGaussian(b);
        var (lda, ldb) = (transA ? m : k, transB ? k : n);
        Sgemm.Multiply(transA, transB, m, n, k, 1f, a, lda, b, ldb, 0f, c, n, threads); // warm-up (JIT, packing buffers)
        var flops = 2.0 * m * n * k;
        var repeats = Math.Max(3, (int)(2e10 / flops));
        var best = double.MaxValue;
        for (var round = 0; round < 3; round++)
        {
            var clock = Stopwatch.StartNew();
            for (var r = 0; r < repeats; r++) Sgemm.Multiply(transA, transB, m, n, k, 1f, a, lda, b, ldb, 0f, c, n, threads);
            best = Math.Min(best, clock.Elapsed.TotalSeconds / repeats);
        }
        return flops / best / 1e9;
    }

    private static ImageDataset RandomImages(int count)
    {
        var rng = new Rng(3);
        var pixels = new float[count * 784];
        for (var i = 0; i < pixels.Length; i++) pixels[i] = rng.NextFloat();
        return new ImageDataset(pixels, count, 1, 28, 28);
    }
}
