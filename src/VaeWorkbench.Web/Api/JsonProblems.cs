using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace VaeWorkbench.Web.Api;

/// <summary>
/// Says what is wrong with a request body that System.Text.Json refused, in the client's terms: the field's JSON path
/// and what was expected there ("$.epochs: expected a number"), never a .NET type name.
/// </summary>
internal static partial class JsonProblems
{
    [GeneratedRegex(@"could not be converted to (?<type>[^\s.]+(\.[^\s.]+)*?)\. Path:")]
    private static partial Regex ConversionFailure();

    [GeneratedRegex(@"missing required properties[^:]*: (?<names>.+?)\.?$")]
    private static partial Regex MissingRequired();

    /// <returns>The detail sentence, and the problems per field (keyed by the field's JSON name) for <c>errors</c>.</returns>
    public static (string Detail, Dictionary<string, string[]> Errors) Describe(JsonException exception)
    {
        var message = exception.Message;
        if (MissingRequired().Match(message) is { Success: true } missing)
        {
            var names = missing.Groups["names"].Value.Split(',').Select(n => n.Trim().Trim('\'')).Where(n => n.Length > 0).ToArray();
            var errors = names.ToDictionary(n => n, _ => new[] { "required" });
            return ($"The request is missing required field{(names.Length == 1 ? "" : "s")}: {string.Join(", ", names)}.", errors);
        }

        var path = string.IsNullOrEmpty(exception.Path) ? "$" : exception.Path;
        var field = path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path;
        var expected = ConversionFailure().Match(message) is { Success: true } conversion ? Expected(conversion.Groups["type"].Value, path) : null;
        if (expected is not null)
            return ($"{path}: expected {expected}.", new() { [field] = [$"expected {expected}"] });

        var where = exception.LineNumber is { } line ? $" (line {line + 1}, byte {exception.BytePositionInLine + 1})" : "";
        return ($"The request body is not valid JSON at {path}{where}.", new() { [field] = ["not valid JSON here"] });
    }

    private static string Expected(string typeName, string path)
    {
        // STJ names the property's type, or (for a constructor parameter) the type that declares it: walk the path.
        var reported = AppDomain.CurrentDomain.GetAssemblies().Select(a => a.GetType(typeName)).FirstOrDefault(t => t is not null);
        var type = reported is null ? null : Walk(reported, path) ?? reported;
        var underlying = type is null ? null : Nullable.GetUnderlyingType(type) ?? type;
        if (underlying is { IsEnum: true }) return $"one of {string.Join(", ", Enum.GetNames(underlying))}";
        return underlying switch
        {
            _ when underlying == typeof(int) || underlying == typeof(long) || underlying == typeof(double)
                || underlying == typeof(float) || underlying == typeof(decimal) || underlying == typeof(short) => "a number",
            _ when underlying == typeof(bool) => "true or false",
            _ when underlying == typeof(Guid) => "an id (a GUID such as 3f2504e0-4f89-11d3-9a0c-0305e82c3301)",
            _ when underlying == typeof(string) => "a string",
            _ when underlying == typeof(DateTimeOffset) || underlying == typeof(DateTime) => "a date and time (ISO 8601)",
            { IsArray: true } => "an array",
            { IsGenericType: true } when underlying.GetInterfaces().Contains(typeof(System.Collections.IEnumerable)) => "an array",
            _ => "an object",
        };
    }

    /// <summary>The type at a JSON path ("$.settings.widths[0]") below <paramref name="root"/>, or null where it does not lead.</summary>
    private static Type? Walk(Type root, string path)
    {
        var type = root;
        foreach (var segment in path.TrimStart('$').Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            var name = segment.Split('[')[0];
            var property = type.GetProperty(name, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
            if (property is null) return null;
            type = property.PropertyType;
            for (var i = 0; i < segment.Count(c => c == '['); i++)
                type = ElementType(type) ?? type;
        }
        return type == root ? null : type;
    }

    private static Type? ElementType(Type type) =>
        type.IsArray ? type.GetElementType() : type.IsGenericType ? type.GetGenericArguments()[^1] : null;
}
