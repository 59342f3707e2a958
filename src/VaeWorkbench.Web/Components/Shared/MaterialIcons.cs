using System.Collections.Concurrent;
using System.Reflection;
using MudBlazor;

namespace VaeWorkbench.Web.Components.Shared;

/// <summary>
/// Turns a Material icon's ligature name (<c>photo_library</c>, the form pages and parameters used before MudBlazor) into
/// MudBlazor's SVG for it, so such a parameter keeps its meaning: MudBlazor draws SVGs and loads no icon font.
/// </summary>
public static class MaterialIcons
{
    private static readonly ConcurrentDictionary<string, string> Cache = new(StringComparer.Ordinal);

    /// <summary>The filled SVG for <paramref name="name"/>; an SVG passes through, and an unknown name gives a neutral icon.</summary>
    public static string Svg(string name)
    {
        if (string.IsNullOrWhiteSpace(name)) return Icons.Material.Filled.Info;
        if (name.TrimStart().StartsWith('<')) return name;
        return Cache.GetOrAdd(name, static n =>
        {
            var pascal = string.Concat(n.Split('_', StringSplitOptions.RemoveEmptyEntries).Select(p => char.ToUpperInvariant(p[0]) + p[1..]));
            var field = typeof(Icons.Material.Filled).GetField(pascal, BindingFlags.Public | BindingFlags.Static);
            return field?.GetValue(null) as string ?? Icons.Material.Filled.Info;
        });
    }
}
