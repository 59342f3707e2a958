using System.Collections;
using System.Reflection;
using System.Text.Json;
using VaeWorkbench.Engine.Model;

namespace VaeWorkbench.Onnx;

/// <summary>
/// The model options the exporter knows how to represent. An option added to <see cref="VaeConfig"/> later (by another
/// feature) is refused, naming it, until the exporter learns it; so is a config key this build does not know (a file
/// written by a newer version), since loading ignores it and the export would silently compute something else.
/// </summary>
internal static class ExportableOptions
{
    /// <summary>Options whose every value the graph represents.</summary>
    private static readonly HashSet<string> Known =
    [
        nameof(VaeConfig.Architecture), nameof(VaeConfig.Channels), nameof(VaeConfig.Height), nameof(VaeConfig.Width),
        nameof(VaeConfig.Latent), nameof(VaeConfig.Hidden), nameof(VaeConfig.ConvWidths), nameof(VaeConfig.ConvDense),
        // The likelihood shapes the loss only: the decoder's mean image is σ(logits) for every kind (README.txt says so).
        nameof(VaeConfig.Loss), nameof(VaeConfig.ObservationScale), nameof(VaeConfig.PixelCount),
        // A conditional model's graphs take the class as a second input (ClassInput).
        nameof(VaeConfig.ClassCount), nameof(VaeConfig.Conditional),
    ];

    private static readonly JsonNamingPolicy FileNames = JsonNamingPolicy.SnakeCaseLower;

    /// <summary>Throws <see cref="OnnxExportException"/> naming the first option the exporter cannot represent.</summary>
    /// <param name="configJson">The model file's "config" entry, when the model came from a file.</param>
    public static void Check(VaeConfig config, string? configJson)
    {
        var defaults = new VaeConfig();
        foreach (var property in typeof(VaeConfig).GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (Known.Contains(property.Name)) continue;
            var value = property.GetValue(config);
            if (SameValue(value, property.GetValue(defaults))) continue; // left at its default: the plain model
            throw new OnnxExportException($"the model option '{FileNames.ConvertName(property.Name)}' (set to {Describe(value)}) cannot be exported to ONNX yet");
        }
        if (configJson is null) return;
        using var document = JsonDocument.Parse(configJson);
        if (document.RootElement.ValueKind != JsonValueKind.Object) throw new OnnxExportException("the model file's config is not a JSON object");
        // The keys a file can hold: what the config serialises (a [JsonIgnore] property is derived, never read from a file).
        var names = typeof(VaeConfig).GetProperties()
            .Where(p => p.GetCustomAttributes(typeof(System.Text.Json.Serialization.JsonIgnoreAttribute), true).Length == 0)
            .Select(p => FileNames.ConvertName(p.Name)).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var entry in document.RootElement.EnumerateObject())
        {
            if (!names.Contains(entry.Name))
                throw new OnnxExportException($"the model file's config has the option '{entry.Name}', which this version does not know, so it cannot be exported to ONNX");
        }
    }

    private static bool SameValue(object? a, object? b) =>
        a is IEnumerable x && a is not string && b is IEnumerable y ? x.Cast<object?>().SequenceEqual(y.Cast<object?>()) : Equals(a, b);

    private static string Describe(object? value) =>
        value is IEnumerable items && value is not string ? $"[{string.Join(", ", items.Cast<object?>())}]" : value?.ToString() ?? "nothing";
}
