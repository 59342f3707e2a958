using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using VaeWorkbench.Engine.Model;
using VaeWorkbench.Engine.Optim;
using VaeWorkbench.Engine.Training;

namespace VaeWorkbench.Engine.IO;

/// <summary>What a model file holds: the model, and, for a training checkpoint, what is needed to resume.</summary>
public sealed class LoadedModel
{
    internal LoadedModel(Vae model, IReadOnlyDictionary<string, string> metadata, TrainingOptions? options, List<EpochReport> history, Func<TrainingOptions, Trainer>? resume)
    {
        Model = model;
        Metadata = metadata;
        TrainingOptions = options;
        History = history;
        _resume = resume;
    }

    private readonly Func<TrainingOptions, Trainer>? _resume;

    public Vae Model { get; }
    public IReadOnlyDictionary<string, string> Metadata { get; }
    public TrainingOptions? TrainingOptions { get; }
    public IReadOnlyList<EpochReport> History { get; }
    public bool CanResume => _resume is not null;

    /// <summary>What the file holds: <see cref="ModelFileContents.Training"/> when it carries the optimizer state to resume.</summary>
    public ModelFileContents Contents => CanResume ? ModelFileContents.Training : ModelFileContents.Inference;

    /// <summary>
    /// A trainer that continues where the checkpoint stopped, up to <paramref name="totalEpochs"/> (default: the saved
    /// target). Bit-identical continuation needs the saved thread count; <paramref name="threads"/> may change it.
    /// </summary>
    public Trainer Resume(int? totalEpochs = null, int? threads = null)
    {
        if (_resume is null || TrainingOptions is null) throw new InvalidOperationException(ModelFile.CannotResumeMessage);
        return _resume(TrainingOptions with { Epochs = totalEpochs ?? TrainingOptions.Epochs, Threads = threads ?? TrainingOptions.Threads });
    }
}

/// <summary>What a <c>.vae</c> file holds, as its "contents" metadata entry says.</summary>
public enum ModelFileContents
{
    /// <summary>Weights, config, training settings and history: enough to score, generate, inspect and import.</summary>
    Inference,
    /// <summary>Also the Adam moments and the trainer's state (RNG, early stopping, an interrupted epoch): enough to resume.</summary>
    Training,
}

/// <summary>
/// The <c>.vae</c> model file: safetensors with the weights under their parameter names and, for checkpoints, the Adam
/// moments under <c>optimizer.exp_avg.*</c> / <c>optimizer.exp_avg_sq.*</c>. The header's __metadata__ holds JSON strings:
/// format, config, training (options), history, optimizer (step, hyper-parameters), trainer (RNG state, early stopping)
/// and, for a checkpoint taken mid-epoch, epoch_progress (the epoch's order, batches done and loss sums so far).
/// Conv weights are stored channels-last (see <see cref="Layers.Conv2d"/>), as the "layout" entry records.
/// The "contents" entry says which of the two variants a file is: "inference" (weights, config, training settings and
/// history; about a third of a checkpoint's size, since Adam keeps two moments per weight) or "training" (also the
/// optimizer tensors and the trainer's state). The tensor layout is the same in both, so the format name stays
/// <see cref="FormatName"/>; files written before the entry existed are read by what they hold.
/// </summary>
public static class ModelFile
{
    public const string FormatName = "vaeworkbench.vae/1";
    private const string FirstMoment = "optimizer.exp_avg.";
    private const string SecondMoment = "optimizer.exp_avg_sq.";
    private const string EpochProgressKey = "epoch_progress";
    public const string ContentsKey = "contents";
    public const string InferenceContents = "inference";
    public const string TrainingContents = "training";
    private const string OptimizerPrefix = "optimizer.";

    /// <summary>Why training cannot resume from an inference-only file, and where a resumable one comes from.</summary>
    public const string CannotResumeMessage =
        "this model file holds the weights only (an inference file, without the optimizer state), so training cannot resume from it; " +
        "resume from a file saved with its training state (download with ?includeTrainingState=true, or `vae train --include-training-state`)";

    internal static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>
    /// A config in the file's JSON conventions (snake_case names and enums), as the "config" metadata entry holds it;
    /// for callers that look at a file's config before loading it. Fields a file lacks keep their defaults (files from
    /// before a field existed). Throws <see cref="JsonException"/> on bad JSON.
    /// </summary>
    public static VaeConfig? ReadConfig(string json) => JsonSerializer.Deserialize<VaeConfig>(json, Json);

    /// <summary>
    /// Writes the model (and the trainer's state, if given) atomically: a temporary file, flushed to the disk, is renamed
    /// over the target, so a crash leaves either the old file or the new one, never a mix. <paramref name="beforeRename"/>
    /// runs in the narrow window between the two (the web app's fault-injection tests stop the process there).
    /// </summary>
    public static void Save(string path, Vae model, Trainer? trainer = null, Action? beforeRename = null) =>
        Save(path, model, trainer, includeTrainingState: trainer is not null, beforeRename);

    /// <summary>
    /// As <see cref="Save(string, Vae, Trainer?, Action?)"/>; without <paramref name="includeTrainingState"/> the file is an
    /// inference file: the trainer's settings and history are kept, the optimizer state is not.
    /// </summary>
    public static void Save(string path, Vae model, Trainer? trainer, bool includeTrainingState, Action? beforeRename = null)
    {
        var full = Path.GetFullPath(path);
        // A name of its own per write: two writers of one target (a stale server and the one that took its job over)
        // must not share a temporary file; the last rename wins and both files are whole.
        var temporary = $"{full}.{Guid.NewGuid():N}{TemporarySuffix}";
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                Save(stream, model, trainer, includeTrainingState);
                stream.Flush(flushToDisk: true);
            }
            beforeRename?.Invoke();
            File.Move(temporary, full, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }

    /// <summary>What <see cref="Save(string, Vae, Trainer?, Action?)"/> ends a temporary file's name with while writing.</summary>
    public const string TemporarySuffix = ".tmp";

    public static void Save(Stream stream, Vae model, Trainer? trainer = null) => Save(stream, model, trainer, includeTrainingState: trainer is not null);

    public static void Save(Stream stream, Vae model, Trainer? trainer, bool includeTrainingState)
    {
        if (includeTrainingState && trainer is null) throw new ArgumentException("the training state needs the trainer", nameof(trainer));
        var tensors = model.Parameters.Select(p => new NamedTensor(p.Name, p.Shape, p.Value)).ToList();
        var metadata = new Dictionary<string, string>
        {
            ["format"] = FormatName,
            [ContentsKey] = includeTrainingState ? TrainingContents : InferenceContents,
            ["layout"] = "conv weights (out, kh, kw, in), transposed-conv weights (in, kh, kw, out), activations channels-last",
            ["config"] = JsonSerializer.Serialize(model.Config, Json),
        };
        if (trainer is not null)
        {
            metadata["training"] = JsonSerializer.Serialize(trainer.Options, Json);
            metadata["history"] = JsonSerializer.Serialize(trainer.History, Json);
        }
        if (trainer is not null && includeTrainingState)
        {
            var adam = trainer.Optimizer;
            for (var i = 0; i < model.Parameters.Count; i++)
            {
                var p = model.Parameters[i];
                tensors.Add(new NamedTensor(FirstMoment + p.Name, p.Shape, adam.FirstMoments[i]));
                tensors.Add(new NamedTensor(SecondMoment + p.Name, p.Shape, adam.SecondMoments[i]));
            }
            metadata["optimizer"] = JsonSerializer.Serialize(new OptimizerState(adam.Step, adam.Options), Json);
            metadata["trainer"] = JsonSerializer.Serialize(new TrainerState(trainer.Rng.SaveState(),
                double.IsPositiveInfinity(trainer.BestValidationLoss) ? null : trainer.BestValidationLoss.ToString("R", CultureInfo.InvariantCulture),
                trainer.EpochsWithoutImprovement), Json);
            if (trainer.PartialEpoch is { } partial) metadata[EpochProgressKey] = JsonSerializer.Serialize(partial, Json);
        }
        SafeTensors.Write(stream, tensors, metadata);
    }

    /// <summary>Metadata entries that only a training file holds (besides the optimizer tensors).</summary>
    private static readonly string[] TrainingStateKeys = ["optimizer", "trainer", EpochProgressKey];

    /// <summary>What a file holds, from its "contents" entry, or for older files without it, from what is there.</summary>
    public static ModelFileContents ContentsOf(IReadOnlyDictionary<string, string> metadata, IEnumerable<string> tensorNames)
    {
        if (metadata.TryGetValue(ContentsKey, out var contents))
        {
            return contents switch
            {
                InferenceContents => ModelFileContents.Inference,
                TrainingContents => ModelFileContents.Training,
                _ => throw new InvalidModelFileException($"the metadata's contents is '{contents}', expected '{InferenceContents}' or '{TrainingContents}'"),
            };
        }
        return metadata.ContainsKey("optimizer") || tensorNames.Any(n => n.StartsWith(OptimizerPrefix, StringComparison.Ordinal))
            ? ModelFileContents.Training : ModelFileContents.Inference;
    }

    /// <summary>
    /// The inference file of a model file: the same weights bit for bit, config, training settings and history, without
    /// the optimizer tensors and the trainer's state. An inference file comes back as it is (re-written, with its
    /// "contents" entry). Throws <see cref="InvalidModelFileException"/> for a file that is not a model file.
    /// </summary>
    public static byte[] WithoutTrainingState(ReadOnlySpan<byte> file)
    {
        var (tensors, metadata) = SafeTensors.Read(file);
        if (!metadata.TryGetValue("format", out var format) || format != FormatName)
            throw new InvalidModelFileException($"not a VaeWorkbench model (metadata format is '{format ?? "missing"}', expected '{FormatName}')");
        ContentsOf(metadata, tensors.Keys); // an unknown contents value is refused here too
        foreach (var key in TrainingStateKeys) metadata.Remove(key);
        metadata[ContentsKey] = InferenceContents;
        // The entries in the order the writer puts them: format and contents first, then the rest as they were.
        var ordered = new Dictionary<string, string> { ["format"] = FormatName, [ContentsKey] = InferenceContents };
        foreach (var (key, value) in metadata) ordered.TryAdd(key, value);
        var kept = tensors.Values.Where(t => !t.Name.StartsWith(OptimizerPrefix, StringComparison.Ordinal)).ToList();
        using var output = new MemoryStream(file.Length / 2);
        SafeTensors.Write(output, kept, ordered);
        return output.ToArray();
    }

    /// <param name="configRead">Called with the config as soon as it is read, before the weights are copied and the
    /// training state is read: a caller can start work that needs only the architecture (compiling its kernels).</param>
    public static LoadedModel Load(string path, Action<VaeConfig>? configRead = null)
    {
        var info = new FileInfo(path);
        if (!info.Exists) throw new FileNotFoundException($"model file '{path}' does not exist", path);
        if (info.Length > SafeTensors.MaxFileBytes) throw new InvalidModelFileException($"model file '{path}' is {info.Length} bytes, larger than the {SafeTensors.MaxFileBytes}-byte limit");
        try
        {
            return Load(File.ReadAllBytes(path), configRead);
        }
        catch (InvalidModelFileException e)
        {
            throw new InvalidModelFileException($"{path}: {e.Message}", e);
        }
    }

    public static LoadedModel Load(ReadOnlySpan<byte> file, Action<VaeConfig>? configRead = null)
    {
        var (tensors, metadata) = SafeTensors.Read(file);
        if (!metadata.TryGetValue("format", out var format) || format != FormatName)
            throw new InvalidModelFileException($"not a VaeWorkbench model (metadata format is '{format ?? "missing"}', expected '{FormatName}')");
        var contents = ContentsOf(metadata, tensors.Keys);
        if (contents == ModelFileContents.Inference && (metadata.ContainsKey("optimizer") || tensors.Keys.Any(n => n.StartsWith(OptimizerPrefix, StringComparison.Ordinal))))
            throw new InvalidModelFileException("the file says it is an inference file but holds optimizer state");
        if (contents == ModelFileContents.Training && !metadata.ContainsKey("optimizer"))
            throw new InvalidModelFileException("the file says it holds the training state but has no optimizer metadata");
        var config = Deserialize<VaeConfig>(metadata, "config") ?? throw new InvalidModelFileException("the metadata has no config");
        Vae model;
        try
        {
            model = new Vae(config);
        }
        catch (ArgumentException e)
        {
            throw new InvalidModelFileException($"the saved config is invalid: {e.Message}", e);
        }
        configRead?.Invoke(config);
        foreach (var p in model.Parameters) CopyTensor(tensors, p.Name, p);

        var options = metadata.ContainsKey("training") ? Deserialize<TrainingOptions>(metadata, "training") : null;
        var history = (metadata.ContainsKey("history") ? Deserialize<List<EpochReport>>(metadata, "history") : null) ?? [];
        Func<TrainingOptions, Trainer>? resume = null;
        if (contents == ModelFileContents.Training)
        {
            if (options is null) throw new InvalidModelFileException("the file holds optimizer state but no training settings");
            var optimizerState = Deserialize<OptimizerState>(metadata, "optimizer") ?? throw new InvalidModelFileException("the optimizer metadata is empty");
            var trainerState = Deserialize<TrainerState>(metadata, "trainer") ?? throw new InvalidModelFileException("the trainer metadata is missing");
            if (optimizerState.Options is null || trainerState.Rng is null) throw new InvalidModelFileException("the optimizer or trainer metadata is incomplete");
            if (optimizerState.Step < 0) throw new InvalidModelFileException($"the optimizer step {optimizerState.Step} is negative");
            Rng rng;
            try
            {
                rng = Rng.FromState(trainerState.Rng);
            }
            catch (FormatException e)
            {
                throw new InvalidModelFileException($"the saved RNG state is invalid: {e.Message}", e);
            }
            var adam = new Adam(model.Parameters, optimizerState.Options) { Step = optimizerState.Step };
            for (var i = 0; i < model.Parameters.Count; i++)
            {
                var p = model.Parameters[i];
                CopyTensor(tensors, FirstMoment + p.Name, p, adam.FirstMoments[i]);
                CopyTensor(tensors, SecondMoment + p.Name, p, adam.SecondMoments[i]);
            }
            var best = double.PositiveInfinity;
            if (trainerState.BestValidationLoss is { } text && !double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out best))
                throw new InvalidModelFileException($"the saved best validation loss '{text}' is not a number");
            var partial = metadata.ContainsKey(EpochProgressKey) ? Deserialize<EpochProgress>(metadata, EpochProgressKey) : null;
            if (partial is not null && (partial.Order is null || partial.BatchesDone < 0))
                throw new InvalidModelFileException("the interrupted epoch's metadata is incomplete");
            var savedHistory = history;
            var savedRng = rng.SaveState();
            try
            {
                options.Validate();
            }
            catch (ArgumentException e)
            {
                throw new InvalidModelFileException($"the saved training options are invalid: {e.Message}", e);
            }
            // Each Resume gets its own copies, so resuming twice from one loaded file starts from the same state twice.
            resume = o => new Trainer(model, o, adam, Rng.FromState(savedRng), [.. savedHistory], best, trainerState.EpochsWithoutImprovement,
                partial is null ? null : partial with { Order = [.. partial.Order] });
        }
        return new LoadedModel(model, metadata, options, history, resume);
    }

    private static void CopyTensor(Dictionary<string, NamedTensor> tensors, string name, Parameter parameter, float[]? destination = null)
    {
        if (!tensors.TryGetValue(name, out var tensor)) throw new InvalidModelFileException($"tensor '{name}' is missing");
        if (!tensor.Shape.SequenceEqual(parameter.Shape))
            throw new InvalidModelFileException($"tensor '{name}' has shape ({string.Join(", ", tensor.Shape)}), the config needs ({string.Join(", ", parameter.Shape)})");
        tensor.Data.CopyTo(destination ?? parameter.Value, 0);
        if (destination is null) parameter.MarkChanged();
    }

    private static T? Deserialize<T>(Dictionary<string, string> metadata, string key)
    {
        if (!metadata.TryGetValue(key, out var text)) throw new InvalidModelFileException($"the metadata has no '{key}' entry");
        try
        {
            return JsonSerializer.Deserialize<T>(text, Json);
        }
        catch (JsonException e)
        {
            throw new InvalidModelFileException($"the '{key}' metadata is not valid: {e.Message}", e);
        }
    }

    private sealed record OptimizerState(long Step, AdamOptions Options);

    private sealed record TrainerState(string Rng, string? BestValidationLoss, int EpochsWithoutImprovement);
}
