using System.Diagnostics;
using System.Globalization;
using VaeWorkbench.Engine.Data;
using VaeWorkbench.Engine.Generation;
using VaeWorkbench.Engine.Model;
using VaeWorkbench.Engine.Scoring;
using VaeWorkbench.Engine.Training;

namespace VaeWorkbench.Cli.Commands;

/// <summary>
/// <c>vae bench memory</c>: peak resident memory of one training epoch, one scoring pass or one generation over a set of
/// seeded random images of any size, held as bytes within the budget or read from shards beyond it. One task per process,
/// so the peak (VmHWM) is that task's alone.
/// </summary>
public sealed class BenchMemoryCommand : ICliCommand
{
    public string Name => "bench memory";
    public string Summary => "measure peak memory (VmHWM) of training, scoring or generation against dataset size";
    public string Usage => """
        usage: vae bench memory --images N [--task train|score|generate] [--size 64] [--channels 3]
                                [--memory-budget-mb M] [--shard-dir DIR] [--epochs 1] [--threads N]
          --images            random images in the set (seeded; labels 0..9 in turn)
          --task              train: epochs of the mlp preset; score: latent fit and ELBO over the whole set;
                              generate: 1,000 class-mean samples with the ELBO quality filter (default train)
          --memory-budget-mb  pixel bytes held in memory; a larger set is read from shards (default 2048)
          --shard-dir         where the shards are cut (default: a folder under the system temp folder, reused)
        Prints one JSON line: the source used (bytes or shards), seconds, and the peak and final resident set in MB.
        """;

    public int Run(CliArguments args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var images = args.Int("images", 0, 1, 10_000_000);
        var task = args.Choice("task", "train", new Dictionary<string, string> { ["train"] = "train", ["score"] = "score", ["generate"] = "generate" });
        var size = args.Int("size", 64, 1, 1024);
        var channels = args.Choice("channels", 3, new Dictionary<string, int> { ["1"] = 1, ["3"] = 3 });
        var budgetMb = args.Int("memory-budget-mb", 2048, 1, 1_048_576);
        var epochs = args.Int("epochs", 1, 1, 100);
        var threads = args.Int("threads", Environment.ProcessorCount, 1, 256);
        var source = $"random-{images}-{channels}x{size}x{size}-seed1";
        var shardDir = args.String("shard-dir") ?? Path.Combine(Path.GetTempPath(), "vwb-bench-shards");
        args.EnsureAllConsumed();

        var pixelBytes = (long)images * channels * size * size;
        var labels = Enumerable.Range(0, images).Select(i => i % 10).ToArray();
        var input = new ShardBuilder.Input(source, images, channels, size, size, labels, () => new RandomPixelStream(pixelBytes, 1));
        var prepare = Stopwatch.StartNew();
        var data = ImageSources.Open(input, budgetMb * 1048576L, Path.Combine(shardDir, source), stderr.WriteLine);
        var prepareSeconds = prepare.Elapsed.TotalSeconds;

        var config = VaeConfig.MlpPreset() with { Channels = channels, Height = size, Width = size };
        var clock = Stopwatch.StartNew();
        switch (task)
        {
            case "train":
                new Trainer(new Vae(config, 1), new TrainingOptions { Epochs = epochs, Threads = threads, Seed = 1 }).Run(data, null, cancellationToken);
                break;
            case "score":
                Score(new Vae(config, 1) { Threads = threads }, data, cancellationToken);
                break;
            default:
                var request = new GenerationRequest { Mode = GenerationMode.PerClass, Count = 1000, Seed = 1 };
                foreach (var _ in Generator.Generate(new Vae(config, 1) { Threads = threads }, data, request, new GenerationFilter { MaxElboPercentile = 90 }, cancellationToken)) { }
                break;
        }
        var seconds = clock.Elapsed.TotalSeconds;
        var (shards, window) = data is ShardedImageSet s ? (s.Blocks.Count, s.WindowBlocks) : (0, 0);
        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{{\"bench\":\"memory\",\"task\":\"{task}\",\"images\":{images},\"pixel_mb\":{pixelBytes / 1048576.0:0.0},\"budget_mb\":{budgetMb},\"source\":\"{(shards > 0 ? "shards" : "bytes")}\",\"shards\":{shards},\"window\":{window},\"prepare_s\":{prepareSeconds:0.00},\"task_s\":{seconds:0.00},\"vm_hwm_mb\":{Status("VmHWM"):0.0},\"vm_rss_mb\":{Status("VmRSS"):0.0}}}"));
        (data as IDisposable)?.Dispose();
        return 0;
    }

    private static void Score(Vae model, IImageSource data, CancellationToken cancellationToken)
    {
        var scorer = new AnomalyScorer(model);
        scorer.FitLatent(data);
        foreach (var (start, n, pixels) in data.Chunks(1024))
        {
            cancellationToken.ThrowIfCancellationRequested();
            scorer.Score(pixels.AsSpan(0, n * data.PixelCount), n, AnomalyMethod.Elbo, 1, 1 + (ulong)start);
        }
    }

    // From /proc/self/status, in MB: VmHWM is the peak resident set, file-backed (mapped shard) pages included.
    private static double Status(string field)
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith(field + ":", StringComparison.Ordinal))
                return long.Parse(line[(field.Length + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) / 1024.0;
        throw new InvalidOperationException($"/proc/self/status has no {field}");
    }
}
