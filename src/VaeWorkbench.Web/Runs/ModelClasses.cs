using System.Text.Json;
using VaeWorkbench.Web.Data.Entities;
using VaeWorkbench.Web.Teams;

namespace VaeWorkbench.Web.Runs;

/// <summary>
/// What a stored model's config says about its classes: a conditional model (class count above 0) is conditioned on
/// the classes of the dataset it trained on, by index, so every image it encodes or decodes needs one of them.
/// </summary>
public static class ModelClasses
{
    /// <summary>The model's class count from its config JSON (0: unconditional, also for configs written before classes existed).</summary>
    public static int Count(JsonElement config) =>
        config.ValueKind == JsonValueKind.Object && config.TryGetProperty("classCount", out var count) && count.ValueKind == JsonValueKind.Number
            ? count.GetInt32() : 0;

    public static int Count(string configJson)
    {
        using var document = JsonDocument.Parse(configJson);
        return Count(document.RootElement);
    }

    public static int Count(TrainedModel model) => Count(model.ConfigJson);

    /// <summary>
    /// Refuses a dataset a conditional model cannot take: one without classes, with images that have none, or whose
    /// classes are not the model's (the same names at the same indexes; it may have fewer). An unconditional model takes any.
    /// </summary>
    /// <param name="modelClasses">The class names of the dataset the model trained on, in label order.</param>
    /// <param name="unlabelled">How many of the dataset's images have no class.</param>
    public static void RequireCompatible(int classCount, IReadOnlyList<string> modelClasses, string datasetName, IReadOnlyList<string> datasetClasses, int unlabelled)
    {
        if (classCount == 0) return;
        var known = modelClasses.Take(classCount).ToList();
        if (datasetClasses.Count == 0)
            throw new RequestRejectedException($"This model is conditional on {classCount} classes and dataset '{datasetName}' has none: it needs every image's class.");
        if (unlabelled > 0)
            throw new RequestRejectedException($"This model is conditional on {classCount} classes and {(unlabelled == 1 ? "1 image" : $"{unlabelled:N0} images")} "
                + $"of dataset '{datasetName}' {(unlabelled == 1 ? "has" : "have")} no class: it needs every image's class.");
        for (var i = 0; i < datasetClasses.Count; i++)
        {
            if (i >= known.Count)
                throw new RequestRejectedException($"This model is conditional on {classCount} classes ({Names(known)}); dataset '{datasetName}' has more ('{datasetClasses[i]}' is not one of them).");
            if (!string.Equals(known[i], datasetClasses[i], StringComparison.Ordinal))
                throw new RequestRejectedException($"This model is conditional on the classes {Names(known)}, in that order; class {i + 1} of dataset '{datasetName}' is '{datasetClasses[i]}', not '{known[i]}'. Rename its classes to match.");
        }
    }

    private static string Names(IReadOnlyList<string> names) =>
        string.Join(", ", names.Take(12)) + (names.Count > 12 ? $" and {names.Count - 12} more" : "");
}
