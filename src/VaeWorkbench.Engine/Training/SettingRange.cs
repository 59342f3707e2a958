using System.Globalization;

namespace VaeWorkbench.Engine.Training;

/// <summary>
/// The allowed values of one training setting. The web form, <c>POST /api/runs</c> and the <c>vae train</c> flags all
/// check a value against the same range and word the refusal the same way, so a value the form refuses is refused
/// everywhere, and no value is ever clamped into range in silence.
/// </summary>
/// <param name="Field">The request's field name (camelCase), which is also the key of the API's <c>errors</c> map.</param>
/// <param name="CliFlag">The <c>vae train</c> flag without its dashes.</param>
/// <param name="MinExclusive">True when <paramref name="Min"/> itself is not allowed (a learning rate must exceed 0).</param>
public sealed record SettingRange(string Field, string CliFlag, double Min, double Max, bool WholeNumber, bool MinExclusive = false)
{
    /// <summary>"between 1 and 100000", "greater than 0 and at most 1": the range in words, for labels and errors.</summary>
    public string Description => MinExclusive
        ? $"greater than {Format(Min)} and at most {Format(Max)}"
        : $"between {Format(Min)} and {Format(Max)}";

    public bool Allows(double value) =>
        double.IsFinite(value)
        && (MinExclusive ? value > Min : value >= Min)
        && value <= Max
        && (!WholeNumber || value == Math.Floor(value));

    /// <summary>Null when <paramref name="value"/> is allowed, otherwise the refusal, naming the range and the value.</summary>
    public string? Check(double value) => Allows(value)
        ? null
        : WholeNumber && double.IsFinite(value) && value != Math.Floor(value)
            ? $"must be a whole number {Description} (got {Format(value)})"
            : $"must be {Description} (got {Format(value)})";

    private static string Format(double value) => value.ToString("0.#########", CultureInfo.InvariantCulture);
}

/// <summary>The one table of training settings' ranges (see <see cref="SettingRange"/>).</summary>
public static class TrainingSettingRanges
{
    public static readonly SettingRange Epochs = new("epochs", "epochs", 1, 100_000, WholeNumber: true);
    public static readonly SettingRange Batch = new("batch", "batch", 1, 65_536, WholeNumber: true);
    public static readonly SettingRange LearningRate = new("lr", "lr", 0, 1, WholeNumber: false, MinExclusive: true);
    public static readonly SettingRange Latent = new("latent", "latent", 1, 1024, WholeNumber: true);
    public static readonly SettingRange Beta = new("beta", "beta", 0, 1000, WholeNumber: false);
    public static readonly SettingRange Warmup = new("warmup", "warmup", 0, 10_000, WholeNumber: true);
    public static readonly SettingRange FreeBits = new("freeBits", "free-bits", 0, 100, WholeNumber: false);
    public static readonly SettingRange Denoise = new("denoise", "denoise", 0, 1, WholeNumber: false);
    public static readonly SettingRange WeightDecay = new("weightDecay", "weight-decay", 0, 1, WholeNumber: false);
    public static readonly SettingRange Clip = new("clip", "clip", 0, 1_000_000, WholeNumber: false);
    public static readonly SettingRange Patience = new("patience", "patience", 0, 10_000, WholeNumber: true);
    public static readonly SettingRange ValidationSplit = new("validationSplit", "validation-split", 0, 0.5, WholeNumber: false);
    public static readonly SettingRange Seed = new("seed", "seed", 0, int.MaxValue, WholeNumber: true);
    public static readonly SettingRange Threads = new("threads", "threads", 1, 256, WholeNumber: true);
    /// <summary>One MLP hidden width or one conv channel width.</summary>
    public static readonly SettingRange LayerWidth = new("hidden", "hidden", 1, 4096, WholeNumber: true);

    public static IReadOnlyList<SettingRange> All { get; } =
        [Epochs, Batch, LearningRate, Latent, Beta, Warmup, FreeBits, Denoise, WeightDecay, Clip, Patience, ValidationSplit, Seed, Threads, LayerWidth];
}
