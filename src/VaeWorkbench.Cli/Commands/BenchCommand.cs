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
        usage: vae bench [--threads N] [--arch mlp|conv|conv64|both|all] [--data DIR] [--limit N] [--epochs N] [--warmup N] [--skip-gemm] [--gemm-only]
          --arch    both = mlp and conv; all adds conv64, the conv preset at 64x64 RGB (random pixels, 20000 by default)
          --data    IDX directory for mlp and conv (default /usr/share/datasets/fashion-mnist, else random images)
          --limit   training images per epoch (default all 60000; conv64: 20000)
          --warmup  untimed batches trained on a throwaway model first (JIT, buffers), as bench/torch_conv64.py does
          --profile print each layer's forward and backward seconds per epoch
          --gemm-only  stop after the SGEMM figures (bench/compare_speed.sh reads the rate of the moment)
        """;

    public int Run(CliArguments args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var threads = args.Int("threads", Environment.ProcessorCount, 1, 256);
        var arch = args.Choice("arch", "both", new Dictionary<string, string> { ["mlp"] = "mlp", ["conv"] = "conv", ["conv64"] = "conv64", ["both"] = "both", ["all"] = "all" });
        var data = args.String("data") ?? (Directory.Exists(DefaultData) ? DefaultData : null);
        var limit = args.Has("limit") ? args.Int("limit", 0, 1) : (int?)null;
        var epochs = args.Int("epochs", 1, 1, 100);
        var warmup = args.Int("warmup", 0, 0, 1000);
        var skipGemm = args.Flag("skip-gemm");
        var gemmOnly = args.Flag("gemm-only");
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

        if (gemmOnly) return 0;
        var presets = arch switch { "both" => new[] { "mlp", "conv" }, "all" => ["mlp", "conv", "conv64"], _ => [arch] };
        // As training reads it: an IDX split's bytes, converted to floats batch by batch.
        IImageSource? greyscale = presets.Any(p => p != "conv64")
            ? data is not null ? DatasetLoader.Open(data, DatasetSplit.Train, memory, limit) : RandomImages(limit ?? 60_000, 1, 28)
            : null;
        foreach (var preset in presets)
        {
            var config = preset switch { "mlp" => VaeConfig.MlpPreset(), "conv" => VaeConfig.ConvPreset(), _ => VaeConfig.ConvPreset(3, 64) };
            var train = preset == "conv64" ? RandomImages(limit ?? 20_000, 3, 64) : greyscale!;
            var options = new TrainingOptions { Epochs = epochs, Threads = threads, Seed = 1 };
            if (warmup > 0) WarmUp(config, options, train, warmup, cancellationToken);
            var trainer = new Trainer(new Vae(config, options.Seed), options);
            if (profile)
            {
                trainer.Model.Encoder.EnableTimings();
                trainer.Model.Decoder.EnableTimings();
            }
            var flopsPerImage = TrainingFlops.PerImage(trainer.Model);
            trainer.EpochCompleted += r => stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{{\"bench\":\"epoch\",\"arch\":\"{preset}\",\"images\":{train.Count},\"threads\":{threads},\"epoch\":{r.Epoch},\"epoch_s\":{r.EpochSeconds:0.000},\"img_per_s\":{r.ImagesPerSecond:0.0},\"gflops\":{flopsPerImage * r.ImagesPerSecond / 1e9:0.0},\"mflop_per_image\":{flopsPerImage / 1e6:0.00},\"train_loss\":{r.TrainLoss:0.00},\"peak_rss_mb\":{Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0:0.0}}}"));
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

    // A few batches on a throwaway model, so the timed epochs do not pay for JIT compilation and first allocations.
    private static void WarmUp(VaeConfig config, TrainingOptions options, IImageSource train, int batches, CancellationToken cancellationToken)
    {
        var count = Math.Min(train.Count, batches * options.BatchSize);
        var pixels = new float[(long)count * train.PixelCount];
        train.Gather(Enumerable.Range(0, count).ToArray(), pixels);
        var subset = new ImageDataset(pixels, count, train.Channels, train.Height, train.Width);
        new Trainer(new Vae(config, options.Seed), options with { Epochs = 1 }).Run(subset, null, cancellationToken);
    }

    private static ImageDataset RandomImages(int count, int channels, int size)
    {
        var rng = new Rng(3);
        var pixels = new float[(long)count * channels * size * size];
        for (var i = 0; i < pixels.Length; i++) pixels[i] = rng.NextFloat();
        return new ImageDataset(pixels, count, channels, size, size);
    }
}
