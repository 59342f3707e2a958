using System.Text.Json.Serialization;
using VaeWorkbench.Engine.Model;
using VaeWorkbench.Engine.Training;

namespace VaeWorkbench.Web.Runs;

/// <summary>
/// What a user chooses for a training run, as the form and <c>POST /api/runs</c> send it. Every field has a default,
/// but the dataset, so <c>{datasetId}</c> alone is a valid run: the DESIGN.md <c>mlp</c> preset with the PyTorch example's settings.
/// </summary>
public sealed record RunSettings
{
    /// <summary>Required: a request without it is refused with the field named, rather than read as an empty id.</summary>
    public required Guid DatasetId { get; init; }

    /// <summary>mlp or conv.</summary>
    public string Arch { get; init; } = "mlp";

    /// <summary>
    /// A conditional VAE: the encoder and the decoder both see the image's class (one-hot, see
    /// <see cref="VaeWorkbench.Engine.Layers.ConcatCondition"/>). Only for a dataset with classes.
    /// </summary>
    public bool Conditional { get; init; }

    /// <summary>Latent dimensions; null takes the preset's (20 for mlp, 16 for conv).</summary>
    public int? Latent { get; init; }

    /// <summary>MLP hidden widths, encoder order; null takes the preset's [400].</summary>
    public int[]? Hidden { get; init; }

    /// <summary>Conv channel widths; null takes the preset's ([32, 64], or [32, 64, 128] at 64 px).</summary>
    public int[]? Widths { get; init; }

    public double Beta { get; init; } = 1;

    /// <summary>KL warm-up in epochs.</summary>
    public int Warmup { get; init; }

    public double FreeBits { get; init; }

    /// <summary>bce, gaussian, gaussian-learned, mse or l1.</summary>
    public string Loss { get; init; } = "bce";

    /// <summary>Std of the noise added to inputs in denoising mode (0 = off).</summary>
    public double Denoise { get; init; }

    public int Epochs { get; init; } = 10;

    public int Batch { get; init; } = 128;

    public double Lr { get; init; } = 1e-3;

    /// <summary>constant or cosine.</summary>
    public string Schedule { get; init; } = "constant";

    /// <summary>adam or adamw.</summary>
    public string Optimizer { get; init; } = "adam";

    public double WeightDecay { get; init; }

    /// <summary>Max gradient norm (0 = off).</summary>
    public double Clip { get; init; }

    /// <summary>Early-stopping patience in epochs on the validation loss (0 = off).</summary>
    public int Patience { get; init; }

    /// <summary>Share of the dataset held out for validation.</summary>
    public double ValidationSplit { get; init; } = 0.1;

    public int Seed { get; init; } = 1;

    /// <summary>Threads for this run; null uses the server's default.</summary>
    public int? Threads { get; init; }

    /// <summary>The engine's model and training settings, or a <see cref="ArgumentException"/> naming the bad field.</summary>
    /// <param name="classCount">The dataset's classes; a conditional model is conditioned on all of them.</param>
    public (VaeConfig Config, TrainingOptions Options) ToEngine(int channels, int imageSize, int defaultThreads, int classCount = 0)
    {
        if (Conditional && RunSettingsRules.ConditionalRefusal(classCount) is { } refusal) throw new ArgumentException($"conditional {refusal}");
        var arch = OptionNames.Parse(OptionNames.Architectures, Arch, "arch");
        var preset = arch == VaeArchitecture.Mlp ? VaeConfig.MlpPreset(channels, imageSize) : VaeConfig.ConvPreset(channels, imageSize);
        if (ValidationSplit is < 0 or > 0.5 || double.IsNaN(ValidationSplit))
            throw new ArgumentException($"validationSplit must be between 0 and 0.5 (got {ValidationSplit})");
        if (Seed < 0) throw new ArgumentException($"seed must be 0 or more (got {Seed})");
        var config = preset with
        {
            Latent = Latent ?? preset.Latent,
            Hidden = Hidden ?? preset.Hidden,
            ConvWidths = Widths ?? preset.ConvWidths,
            Loss = OptionNames.Parse(OptionNames.Losses, Loss, "loss"),
            ClassCount = Conditional ? classCount : 0,
        };
        var options = new TrainingOptions
        {
            Epochs = Epochs,
            BatchSize = Batch,
            LearningRate = (float)Lr,
            Schedule = OptionNames.Parse(OptionNames.Schedules, Schedule, "schedule"),
            Optimizer = OptionNames.Parse(OptionNames.Optimizers, Optimizer, "optimizer"),
            WeightDecay = (float)WeightDecay,
            ClipNorm = (float)Clip,
            Beta = (float)Beta,
            WarmupEpochs = Warmup,
            FreeBits = (float)FreeBits,
            DenoiseNoise = (float)Denoise,
            EarlyStoppingPatience = Patience,
            Seed = (ulong)Seed,
            Threads = Threads ?? defaultThreads,
        };
        config.Validate();
        options.Validate();
        return (config, options);
    }

    [JsonIgnore]
    public static RunSettings Defaults { get; } = new() { DatasetId = Guid.Empty };
}
