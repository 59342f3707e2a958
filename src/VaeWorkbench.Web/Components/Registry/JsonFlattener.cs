using System.Text.Json;

namespace VaeWorkbench.Web.Components.Registry;

/// <summary>
/// Flattens a JSON object to "path → text" rows, for side-by-side comparison of configs and metrics, and names the
/// paths in words for people (the JSON keys themselves are shown only under Details).
/// </summary>
public static partial class JsonFlattener
{
    /// <summary>Names for the keys of stored configs (VaeConfig) and metrics (ModelMetrics); other keys are spelled out from their camelCase.</summary>
    private static readonly Dictionary<string, string> Names = new(StringComparer.Ordinal)
    {
        ["architecture"] = "Architecture", ["channels"] = "Colour channels", ["height"] = "Image height (px)", ["width"] = "Image width (px)",
        ["latent"] = "Latent dimensions", ["hidden"] = "Hidden layer sizes", ["convWidths"] = "Convolution widths",
        ["convDense"] = "Dense layer width", ["loss"] = "Reconstruction loss", ["observationScale"] = "Observation scale",
        ["trainLoss"] = "Training loss", ["trainRecon"] = "Training reconstruction", ["trainKl"] = "Training KL divergence",
        ["valLoss"] = "Validation loss", ["valRecon"] = "Validation reconstruction", ["valKl"] = "Validation KL divergence",
        ["epochs"] = "Epochs", ["parameters"] = "Parameters", ["trainingSeconds"] = "Training time (s)", ["stoppedEarly"] = "Stopped early",
    };

    /// <summary>A flattened path in words: "valLoss" reads "Validation loss", "schedule.warmupEpochs" reads "Schedule › Warmup epochs".</summary>
    public static string Label(string path) =>
        string.Join(" › ", path.Split('.').Select(key => Names.TryGetValue(key, out var name) ? name : Words(key)));

    private static string Words(string key)
    {
        var spaced = CamelHump().Replace(key, " $1").Trim().ToLowerInvariant();
        return spaced.Length == 0 ? key : char.ToUpperInvariant(spaced[0]) + spaced[1..];
    }

    [System.Text.RegularExpressions.GeneratedRegex("(?<=[a-z0-9])([A-Z])")]
    private static partial System.Text.RegularExpressions.Regex CamelHump();

    public static Dictionary<string, string> Flatten(JsonElement element)
    {
        var rows = new Dictionary<string, string>(StringComparer.Ordinal);
        Walk(element, "", rows);
        return rows;
    }

    private static void Walk(JsonElement element, string path, Dictionary<string, string> rows)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject()) Walk(property.Value, path.Length == 0 ? property.Name : $"{path}.{property.Name}", rows);
                break;
            case JsonValueKind.Array:
                rows[path] = string.Join(", ", element.EnumerateArray().Select(Text));
                break;
            default:
                rows[path] = Text(element);
                break;
        }
    }

    private static string Text(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Number when value.TryGetDouble(out var d) && d != Math.Floor(d) => d.ToString("G6", System.Globalization.CultureInfo.InvariantCulture),
        JsonValueKind.String => value.GetString() ?? "",
        JsonValueKind.Null => "–",
        JsonValueKind.True => "yes",
        JsonValueKind.False => "no",
        _ => value.GetRawText(),
    };
}
