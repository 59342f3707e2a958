using VaeWorkbench.Engine.Optim;
using VaeWorkbench.Engine.Training;

namespace VaeWorkbench.Engine.Model;

/// <summary>
/// The names users type for the engine's choices (CLI flags, the web form, the REST API), in one place so every
/// front end accepts and prints the same words.
/// </summary>
public static class OptionNames
{
    public static readonly IReadOnlyDictionary<string, VaeArchitecture> Architectures =
        new Dictionary<string, VaeArchitecture> { ["mlp"] = VaeArchitecture.Mlp, ["conv"] = VaeArchitecture.Conv };

    public static readonly IReadOnlyDictionary<string, ReconstructionKind> Losses = new Dictionary<string, ReconstructionKind>
    {
        ["bce"] = ReconstructionKind.Bernoulli,
        ["gaussian"] = ReconstructionKind.Gaussian,
        ["gaussian-learned"] = ReconstructionKind.GaussianLearned,
        ["mse"] = ReconstructionKind.Mse,
        ["l1"] = ReconstructionKind.Laplace,
    };

    public static readonly IReadOnlyDictionary<string, LearningRateSchedule> Schedules =
        new Dictionary<string, LearningRateSchedule> { ["constant"] = LearningRateSchedule.Constant, ["cosine"] = LearningRateSchedule.Cosine };

    public static readonly IReadOnlyDictionary<string, OptimizerKind> Optimizers =
        new Dictionary<string, OptimizerKind> { ["adam"] = OptimizerKind.Adam, ["adamw"] = OptimizerKind.AdamW };

    /// <summary>The value for a name, or an exception that lists the accepted names.</summary>
    public static T Parse<T>(IReadOnlyDictionary<string, T> names, string? name, string what) =>
        name is not null && names.TryGetValue(name.Trim().ToLowerInvariant(), out var value)
            ? value
            : throw new ArgumentException($"{what} must be one of {string.Join(", ", names.Keys)} (got '{name}')");

    public static string NameOf<T>(IReadOnlyDictionary<string, T> names, T value) where T : struct, Enum =>
        names.First(pair => EqualityComparer<T>.Default.Equals(pair.Value, value)).Key;
}
