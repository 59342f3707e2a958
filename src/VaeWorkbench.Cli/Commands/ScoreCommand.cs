using System.Globalization;
using VaeWorkbench.Engine.IO;
using VaeWorkbench.Engine.Model;

namespace VaeWorkbench.Cli.Commands;

/// <summary><c>vae score</c>: one anomaly score per image as CSV (higher = less typical).</summary>
public sealed class ScoreCommand : ICliCommand
{
    public string Name => "score";
    public string Summary => "score images with a model (recon error, negative ELBO or IWAE), CSV: index,label,score";
    public string Usage => """
        usage: vae score --model <m.vae> --data <dir> [--method recon|elbo|iwae] [--k 50] [--split test|train] [--limit N] [--seed N] [--threads N]
          --method   recon: −log p(x|μ); elbo: negative ELBO averaged over k samples; iwae: −log p(x) IWAE estimate with k samples
          --split    which IDX split to score (default test)
        """;

    public int Run(CliArguments args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var modelPath = args.Required("model");
        var data = args.Required("data");
        var method = args.Choice("method", ScoreMethod.Elbo, new Dictionary<string, ScoreMethod> { ["recon"] = ScoreMethod.Reconstruction, ["elbo"] = ScoreMethod.Elbo, ["iwae"] = ScoreMethod.Iwae });
        var k = args.Int("k", method == ScoreMethod.Iwae ? 50 : 1, 1, 100_000);
        var split = args.Choice("split", DatasetSplit.Test, new Dictionary<string, DatasetSplit> { ["test"] = DatasetSplit.Test, ["train"] = DatasetSplit.Train });
        var limit = args.Has("limit") ? args.Int("limit", 0, 1) : (int?)null;
        var seed = (ulong)args.Int("seed", 1, 0);
        var threads = args.Int("threads", Environment.ProcessorCount, 1, 256);
        args.EnsureAllConsumed();

        var model = ModelFile.Load(modelPath).Model;
        model.Threads = threads;
        var dataset = DatasetLoader.Load(data, split, limit);
        var c = model.Config;
        if (dataset.Channels != c.Channels || dataset.Height != c.Height || dataset.Width != c.Width)
            throw new InvalidDataException($"the images are {dataset.Channels}x{dataset.Height}x{dataset.Width} but the model takes {c.Channels}x{c.Height}x{c.Width}");

        stdout.WriteLine("index,label,score");
        const int chunk = 1024; // bounded memory, and Ctrl+C is honoured between chunks
        for (var start = 0; start < dataset.Count; start += chunk)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var n = Math.Min(chunk, dataset.Count - start);
            var scores = model.Score(dataset.Pixels.AsSpan(start * dataset.PixelCount, n * dataset.PixelCount), n, method, k, seed + (ulong)start);
            for (var i = 0; i < n; i++)
            {
                var label = dataset.Labels is { } labels ? labels[start + i].ToString(CultureInfo.InvariantCulture) : "";
                stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{start + i},{label},{scores[i]:0.####}"));
            }
        }
        return 0;
    }
}
