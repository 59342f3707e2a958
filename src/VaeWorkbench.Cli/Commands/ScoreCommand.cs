using VaeWorkbench.Engine.Data;
using System.Globalization;
using VaeWorkbench.Engine.IO;
using VaeWorkbench.Engine.Model;
using VaeWorkbench.Engine.Scoring;
using VaeWorkbench.Imaging.Formats.Png;

namespace VaeWorkbench.Cli.Commands;

/// <summary>
/// <c>vae score</c>: one anomaly score per image as CSV (higher = less typical). The latent method needs reference
/// statistics: the Gaussian of μ over <c>--fit</c> (normally the training data, its train split), or, without
/// <c>--fit</c>, over the scored images themselves (a note on stderr says so).
/// </summary>
public sealed class ScoreCommand : ICliCommand
{
    public string Name => "score";
    public string Summary => "score images with a model (recon, elbo, iwae, latent or complexity), CSV: index,label,score";
    public string Usage => """
        usage: vae score --model <m.vae> --data <dir> [--method recon|elbo|iwae|latent|complexity] [--k 50] [--split test|train] [--limit N] [--fit <dir>] [--fit-limit N] [--seed N] [--threads N]
          --method   recon: −log p(x|μ); elbo: negative ELBO averaged over k samples; iwae: −log p(x) IWAE estimate with k samples;
                     latent: Mahalanobis distance of μ to a Gaussian fitted to the reference data's μ;
                     complexity: negative ELBO minus the image's PNG-compressed length in nats (Serrà et al. 2020)
          --split    which IDX split to score (default test; image folders and ZIPs are scored whole)
          --fit      latent only: IDX directory whose train split is the reference (default: the scored images themselves)
""" + MemoryBudget.Usage;

    public int Run(CliArguments args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var modelPath = args.Required("model");
        var data = args.Required("data");
        var method = args.Choice("method", AnomalyMethod.Elbo, AnomalyMethods.ByName);
        var k = args.Int("k", method == AnomalyMethod.Iwae ? 50 : 1, 1, 100_000);
        // An IDX directory is scored on its test split unless told otherwise; a folder or ZIP has only the one split.
        var split = args.Choice("split", DatasetLoader.HasSplit(data, DatasetSplit.Test) ? DatasetSplit.Test : DatasetSplit.Train,
            new Dictionary<string, DatasetSplit> { ["test"] = DatasetSplit.Test, ["train"] = DatasetSplit.Train });
        var limit = args.Has("limit") ? args.Int("limit", 0, 1) : (int?)null;
        var fit = args.String("fit");
        var fitLimit = args.Has("fit-limit") ? args.Int("fit-limit", 0, 2) : (int?)null;
        var seed = (ulong)args.Int("seed", 1, 0);
        var threads = args.Int("threads", Environment.ProcessorCount, 1, 256);
        var memory = MemoryBudget.From(args);
        args.EnsureAllConsumed();
        if (fit is not null && method != AnomalyMethod.Latent) throw new UsageException("--fit applies only to --method latent");

        var model = ModelFile.Load(modelPath).Model;
        model.Threads = threads;
        using var sources = new SourceScope();
        var dataset = sources.Add(DatasetLoader.Open(data, split, memory, limit, log: stderr));
        var c = model.Config;
        CheckShape(dataset, c.Channels, c.Height, c.Width);
        var scorer = new AnomalyScorer(model)
        {
            CompressedLength = image => PngCompressedLength.Nats(image, c.Channels, c.Height, c.Width),
        };
        if (method == AnomalyMethod.Latent)
        {
            var reference = fit is null ? dataset : sources.Add(DatasetLoader.Open(fit, DatasetSplit.Train, memory, fitLimit, log: stderr));
            CheckShape(reference, c.Channels, c.Height, c.Width);
            if (fit is null) stderr.WriteLine($"note: latent statistics fitted to the {dataset.Count} scored images themselves; pass --fit <training data> to use the training data");
            scorer.FitLatent(reference);
        }

        stdout.WriteLine("index,label,score");
        const int chunk = 1024; // bounded memory, and Ctrl+C is honoured between chunks
        foreach (var (start, n, pixels) in dataset.Chunks(chunk))
        {
            cancellationToken.ThrowIfCancellationRequested();
            // A conditional model scores each image at its own class.
            var scores = scorer.Score(pixels.AsSpan(0, n * dataset.PixelCount), n, method, k, seed + (ulong)start, classes: model.ClassesOf(dataset, start, n));
            for (var i = 0; i < n; i++)
            {
                var label = dataset.Labels is { } labels ? labels[start + i].ToString(CultureInfo.InvariantCulture) : "";
                stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{start + i},{label},{scores[i]:0.####}"));
            }
        }
        return 0;
    }

    private static void CheckShape(Engine.Data.IImageSource dataset, int channels, int height, int width)
    {
        if (dataset.Channels != channels || dataset.Height != height || dataset.Width != width)
            throw new InvalidDataException($"the images are {dataset.Channels}x{dataset.Height}x{dataset.Width} but the model takes {channels}x{height}x{width}");
    }
}
