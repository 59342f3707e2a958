using System.Text.Json;

namespace VaeWorkbench.Web.Components.Registry;

/// <summary>Flattens a JSON object to "path → text" rows, for side-by-side comparison of configs and metrics.</summary>
public static class JsonFlattener
{
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
                rows[path] = "[" + string.Join(", ", element.EnumerateArray().Select(Text)) + "]";
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
        _ => value.GetRawText(),
    };
}
