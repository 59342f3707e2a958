using VaeWorkbench.Engine.Model;
using VaeWorkbench.Engine.Training;

namespace VaeWorkbench.Web.Runs;

/// <summary>
/// Checks every field of <see cref="RunSettings"/> against <see cref="TrainingSettingRanges"/> and the option names,
/// and collects every refusal keyed by the request's field name: the API answers them as ProblemDetails
/// <c>errors</c>, and the new-run form shows each at its field.
/// </summary>
public static class RunSettingsRules
{
    public static IReadOnlyDictionary<string, string[]> Validate(RunSettings settings)
    {
        var errors = new Dictionary<string, List<string>>();
        void Add(string field, string message)
        {
            if (!errors.TryGetValue(field, out var list)) errors[field] = list = [];
            list.Add(message);
        }
        void Check(SettingRange range, double? value)
        {
            if (value is { } v && range.Check(v) is { } message) Add(range.Field, message);
        }
        void Choice<T>(IReadOnlyDictionary<string, T> choices, string value, string field)
        {
            if (!choices.ContainsKey(value)) Add(field, $"must be one of {string.Join(", ", choices.Keys)} (got '{value}')");
        }
        void Widths(int[]? widths, string field)
        {
            if (widths is null) return;
            if (widths.Length is 0 or > 8) Add(field, $"must list 1 to 8 layer widths (got {widths.Length})");
            foreach (var width in widths)
                if (TrainingSettingRanges.LayerWidth.Check(width) is { } message) Add(field, $"each width {message}");
        }

        Check(TrainingSettingRanges.Epochs, settings.Epochs);
        Check(TrainingSettingRanges.Batch, settings.Batch);
        Check(TrainingSettingRanges.LearningRate, settings.Lr);
        Check(TrainingSettingRanges.Latent, settings.Latent);
        Check(TrainingSettingRanges.Beta, settings.Beta);
        Check(TrainingSettingRanges.Warmup, settings.Warmup);
        Check(TrainingSettingRanges.FreeBits, settings.FreeBits);
        Check(TrainingSettingRanges.Denoise, settings.Denoise);
        Check(TrainingSettingRanges.WeightDecay, settings.WeightDecay);
        Check(TrainingSettingRanges.Clip, settings.Clip);
        Check(TrainingSettingRanges.Patience, settings.Patience);
        Check(TrainingSettingRanges.ValidationSplit, settings.ValidationSplit);
        Check(TrainingSettingRanges.Seed, settings.Seed);
        Check(TrainingSettingRanges.Threads, settings.Threads);
        Widths(settings.Hidden, "hidden");
        Widths(settings.Widths, "widths");
        Choice(OptionNames.Architectures, settings.Arch, "arch");
        Choice(OptionNames.Losses, settings.Loss, "loss");
        Choice(OptionNames.Schedules, settings.Schedule, "schedule");
        Choice(OptionNames.Optimizers, settings.Optimizer, "optimizer");
        return errors.ToDictionary(e => e.Key, e => e.Value.ToArray());
    }

    /// <summary>The rules that need the dataset: a conditional model needs classes to condition on.</summary>
    public static IReadOnlyDictionary<string, string[]> ValidateForDataset(RunSettings settings, string datasetName, int classCount) =>
        settings.Conditional && ConditionalRefusal(classCount) is { } refusal
            ? new Dictionary<string, string[]> { ["conditional"] = [$"{refusal}: dataset '{datasetName}' has {(classCount == 0 ? "no classes" : "only one class")}"] }
            : new Dictionary<string, string[]>();

    /// <summary>Why a conditional model cannot train on a dataset with this many classes, or null when it can.</summary>
    public static string? ConditionalRefusal(int classCount) => classCount switch
    {
        < 2 => "needs a dataset with at least two classes (class folders in a ZIP, or IDX labels)",
        > VaeConfig.MaxClasses => $"takes at most {VaeConfig.MaxClasses} classes",
        _ => null,
    };
}

/// <summary>A request whose fields are out of range (400): <see cref="Errors"/> holds each refusal keyed by field name.</summary>
public sealed class InvalidFieldsException(IReadOnlyDictionary<string, string[]> errors)
    : Exception("Some settings are out of range: " + string.Join("; ", errors.Select(e => $"{e.Key} {string.Join(", ", e.Value)}")))
{
    public IReadOnlyDictionary<string, string[]> Errors { get; } = errors;
}
