using VaeWorkbench.Engine.Data;
using System.Globalization;
using System.Text.Json;
using VaeWorkbench.Engine;
using VaeWorkbench.Engine.Generation;
using VaeWorkbench.Engine.IO;
using VaeWorkbench.Engine.Model;
using VaeWorkbench.Imaging.Datasets;
using VaeWorkbench.Imaging.Formats.Png;

namespace VaeWorkbench.Cli.Commands;

/// <summary>
/// <c>vae generate</c>: samples new images (prior, variations, per class, interpolations), optionally filters them,
/// and writes PNGs in ImageFolder layout with manifest.csv and provenance.json, to a directory or a .zip.
/// </summary>
public sealed class GenerateCommand : ICliCommand
{
    internal static readonly Dictionary<string, GenerationMode> Modes = new()
    {
        ["prior"] = GenerationMode.Prior,
        ["variations"] = GenerationMode.Variations,
        ["per-class"] = GenerationMode.PerClass,
        ["interpolate"] = GenerationMode.Interpolate,
    };

    private static readonly Dictionary<string, DuplicateSpace> Spaces = new() { ["pixel"] = DuplicateSpace.Pixel, ["latent"] = DuplicateSpace.Latent };

    public string Name => "generate";
    public string Summary => "sample new images from a model into an ImageFolder directory or ZIP";
    public string Usage => """
        usage: vae generate --model <m.vae> --out <dir|file.zip> [--mode prior|variations|per-class|interpolate]
                            [--data <idx dir>] [--count N] [--seed N] [--temperature F] [--spread F]
                            [--images i,j,...] [--classes a,b,...] [--class C] [--count-per-class N]
                            [--max-elbo-percentile P]
                            [--min-distance D] [--distance-space pixel|latent] [--include-originals] [--threads N]
          --mode                 prior (default): z ~ N(0, t²I); variations: around --images of --data;
                                 per-class: a Gaussian fitted to each class of --data; interpolate: same-class pairs
          --count                images to generate, 1..100000 (default 16); the filter may keep fewer
          --class C              generate class C only (the same as --classes C)
          --count-per-class N    N images of each class asked for (instead of --count)
                                 A conditional model (vae train --conditional) decodes every draw at its class: prior
                                 takes each class in turn; per-class draws around the class's codes in --data
          --temperature          0.1..2 (default 1), scales prior and per-class draws
          --spread               0..10 (default 1), scales σ around each source image in variations
          --max-elbo-percentile  drop samples whose negative ELBO is above this percentile of --data's
          --min-distance         drop samples closer than this L2 distance to a --data image (pixels in [0,1])
          --include-originals    also write --data's images (as original_NNNNNN.png)
          --threads              threads for the model (default: processor count); the images do not depend on it
        """ + MemoryBudget.Usage;

    public int Run(CliArguments args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var modelPath = args.Required("model");
        var output = args.Required("out");
        var mode = args.Choice("mode", GenerationMode.Prior, Modes);
        var dataPath = args.String("data");
        var classes = IntList(args, "classes");
        if (args.Has("class"))
        {
            if (classes is not null) throw new UsageException("give --class or --classes, not both");
            classes = [args.Int("class", 0, 0)];
        }
        var perClass = args.Has("count-per-class") ? args.Int("count-per-class", 1, 1, GenerationRequest.MaxCount) : (int?)null;
        if (perClass is not null && args.Has("count")) throw new UsageException("give --count or --count-per-class, not both");
        var request = new GenerationRequest
        {
            Mode = mode,
            Count = args.Int("count", 16, 1, GenerationRequest.MaxCount),
            Seed = (ulong)args.Int("seed", 1, 0),
            Temperature = (float)args.Double("temperature", 1, 0.1, 2),
            Spread = (float)args.Double("spread", 1, 0, 10),
            ImageIndices = IntList(args, "images"),
            Classes = classes,
        };
        var filter = new GenerationFilter
        {
            MaxElboPercentile = args.Has("max-elbo-percentile") ? args.Double("max-elbo-percentile", 100, 1e-9, 100) : null,
            MinDuplicateDistance = args.Has("min-distance") ? (float)args.Double("min-distance", 0, 0) : null,
            DuplicateSpace = args.Choice("distance-space", DuplicateSpace.Pixel, Spaces),
        };
        var includeOriginals = args.Flag("include-originals");
        var threads = args.Int("threads", Environment.ProcessorCount, 1, 256);
        var memory = MemoryBudget.From(args);
        args.EnsureAllConsumed();
        // A usage error before the model is read: it does not depend on the model.
        if (dataPath is null && (mode != GenerationMode.Prior || filter.IsActive || includeOriginals))
            throw new UsageException("--data is needed for this mode, the filter and --include-originals");
        Task? warmUp = null;
        var model = ModelFile.Load(modelPath, config => warmUp = WarmUp(config, Math.Min(Generator.ChunkSize, request.Count))).Model;
        if (perClass is { } n)
        {
            // Classes generated: those asked for, or (a conditional model) all of its classes, or those of --data.
            var classCount = classes?.Distinct().Count() ?? (model.Conditional ? model.ClassCount : null as int?)
                ?? (dataPath is null ? throw new UsageException("--count-per-class needs --classes, a conditional model or --data") : DatasetLoader.Load(dataPath, DatasetSplit.Train).Labels?.Distinct().Count())
                ?? throw new UsageException("--count-per-class needs classes, and --data has none");
            if ((long)n * classCount > GenerationRequest.MaxCount) throw new UsageException($"--count-per-class {n} × {classCount} classes is more than {GenerationRequest.MaxCount} images");
            request = request with { Count = n * classCount };
        }
        model.Threads = threads;
        using var sources = new SourceScope();
        var data = dataPath is null ? null : sources.Add(DatasetLoader.Open(dataPath, DatasetSplit.Train, memory, log: stderr));
        var c = model.Config;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var run = Generator.Prepare(model, data, request, filter.IsActive ? filter : null, cancellationToken);

        // Whole chunks go to threads of their own, each with a model replica on one thread: decoding and PNG encoding
        // with no fork-join inside a chunk. The main thread writes the finished chunks in order meanwhile.
        var workers = Math.Min(threads, run.ChunkCount);
        var models = new Vae[workers];
        models[0] = model;
        for (var w = 1; w < workers; w++) models[w] = model.Replicate();
        foreach (var m in models) m.Threads = Math.Max(1, threads / workers);

        var zip = output.EndsWith(".zip", StringComparison.OrdinalIgnoreCase);
        // A 1 MB buffer: with the default 4 KB, writing the ZIP took one system call per five images (~7% of the CPU).
        using var zipStream = zip ? new FileStream(output, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20) : null;
        using var writer = zip
            ? ImageFolderExportWriter.ToZip(zipStream!, Path.GetFileName(modelPath), ModeName(mode), request.Seed.ToString(CultureInfo.InvariantCulture))
            : ImageFolderExportWriter.ToDirectory(output, Path.GetFileName(modelPath), ModeName(mode), request.Seed.ToString(CultureInfo.InvariantCulture));
        int generated = 0, kept = 0;
        OrderedParallel.Run(run.Plans, workers, lookahead: 2 * workers, (w, plan) =>
        {
            var chunk = run.Decode(plan, models[w]);
            return (chunk, PngBatchEncoder.FromChw(chunk.Pixels, 0, chunk.Kept, c.Channels, c.Height, c.Width, models[w].Threads));
        }, done =>
        {
            var (chunk, pngs) = done;
            for (var i = 0; i < pngs.Length; i++)
            {
                var label = chunk.Labels[i];
                writer.Add(label < 0 ? null : label.ToString(CultureInfo.InvariantCulture), ExportSource.Generated, chunk.Scores[i], pngs[i]);
            }
            generated += chunk.Generated;
            kept += chunk.Kept;
        });
        if (includeOriginals && data is not null)
        {
            var starts = Enumerable.Range(0, (data.Count + Generator.ChunkSize - 1) / Generator.ChunkSize).Select(k => k * Generator.ChunkSize);
            OrderedParallel.Run(starts, threads, lookahead: 2 * threads, (_, start) =>
            {
                cancellationToken.ThrowIfCancellationRequested();
                var n = Math.Min(Generator.ChunkSize, data.Count - start);
                var pixels = new float[n * data.PixelCount];
                data.ReadRange(start, n, pixels);
                return (Start: start, Pngs: PngBatchEncoder.FromChw(pixels, 0, n, data.Channels, data.Height, data.Width, 1));
            }, done =>
            {
                for (var i = 0; i < done.Pngs.Length; i++)
                    writer.Add(data.Labels is null ? null : data.Labels[done.Start + i].ToString(CultureInfo.InvariantCulture), ExportSource.Original, null, done.Pngs[i]);
            });
        }
        warmUp?.GetAwaiter().GetResult(); // long done; surfaces a failure rather than leaving it unobserved
        writer.Finish(Provenance(modelPath, dataPath, request, filter, generated, kept, includeOriginals));
        var seconds = clock.Elapsed.TotalSeconds;
        stdout.WriteLine(FormattableString.Invariant($"generated {generated}, kept {kept}, wrote {output} in {seconds:F2} s ({generated / seconds:F0} img/s with PNG writing)"));
        return 0;
    }

    /// <summary>
    /// Compiles the decoder's and the PNG encoder's hot loops while this thread reads the rest of the model file (its
    /// weights, and the training state as JSON: ~0.2 s). Their vector code has no ReadyToRun form, so the JIT compiles
    /// it on first use: in the workers, that took 40–60 ms of a generation during which both waited (a 20,000-image
    /// conv run takes ~0.6 s). The decoder and the encoder warm up side by side, each on work of its own (a model of the
    /// same architecture with made-up weights; a made-up image with smooth parts and noise, so both the run-length and
    /// the literal paths are taken), so no state is shared with the run. The encoder's task also loads the local time
    /// zone, which the ZIP writer needs.
    /// </summary>
    private static Task WarmUp(VaeConfig config, int images) => Task.WhenAll(
        Task.Run(() =>
        {
            var stand = new Vae(config, seed: 1) { Threads = 1 };
            var n = Math.Min(images, 16);
            stand.Decode(new float[n * stand.Latent], n, config.Conditional ? new int[n] : default);
        }),
        Task.Run(() =>
        {
            var c = config;
            var random = new Random(1);
            var pixels = new float[c.PixelCount];
            for (var i = 0; i < pixels.Length; i++) pixels[i] = i % 3 == 0 ? random.NextSingle() : (i / c.Width) / (float)c.Height;
            PngBatchEncoder.FromChw(pixels, 0, 1, c.Channels, c.Height, c.Width, threads: 1);
            _ = DateTime.Now; // the ZIP's entry times: the first local time reads the time zone database (~10 ms)
        }));

    // Written field by field: reflection-based serialisation of an anonymous type cost ~300 JIT-compiled methods, a
    // visible part of a short generation's time (counted with DOTNET_JitDisasmSummary).
    private static string Provenance(string modelPath, string? dataPath, GenerationRequest request, GenerationFilter filter, int generated, int kept, bool includeOriginals)
    {
        var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("model", Path.GetFullPath(modelPath));
            if (dataPath is null) json.WriteNull("dataset");
            else json.WriteString("dataset", Path.GetFullPath(dataPath));
            json.WriteString("mode", ModeName(request.Mode));
            json.WriteNumber("seed", request.Seed);
            json.WriteNumber("count", request.Count);
            json.WriteNumber("temperature", request.Temperature);
            json.WriteNumber("spread", request.Spread);
            WriteNumbers(json, "imageIndices", request.ImageIndices);
            WriteNumbers(json, "classes", request.Classes);
            if (!filter.IsActive)
            {
                json.WriteNull("filter");
            }
            else
            {
                json.WriteStartObject("filter");
                if (filter.MaxElboPercentile is { } percentile) json.WriteNumber("maxElboPercentile", percentile);
                else json.WriteNull("maxElboPercentile");
                if (filter.MinDuplicateDistance is { } distance) json.WriteNumber("minDuplicateDistance", distance);
                else json.WriteNull("minDuplicateDistance");
                json.WriteString("space", filter.DuplicateSpace.ToString().ToLowerInvariant());
                json.WriteNumber("referenceLimit", filter.ReferenceLimit);
                json.WriteEndObject();
            }
            json.WriteNumber("generated", generated);
            json.WriteNumber("kept", kept);
            json.WriteBoolean("includeOriginals", includeOriginals);
            json.WriteString("createdAt", DateTimeOffset.UtcNow);
            json.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void WriteNumbers(Utf8JsonWriter json, string name, IReadOnlyList<int>? values)
    {
        if (values is null)
        {
            json.WriteNull(name);
            return;
        }
        json.WriteStartArray(name);
        foreach (var value in values) json.WriteNumberValue(value);
        json.WriteEndArray();
    }

    public static string ModeName(GenerationMode mode) => Modes.First(m => m.Value == mode).Key;

    private static int[]? IntList(CliArguments args, string name)
    {
        var text = args.String(name);
        if (text is null) return null;
        try
        {
            return text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(t => int.Parse(t, NumberStyles.Integer, CultureInfo.InvariantCulture)).ToArray();
        }
        catch (FormatException)
        {
            throw new UsageException($"--{name} must be a comma-separated list of whole numbers (got '{text}')");
        }
    }
}
