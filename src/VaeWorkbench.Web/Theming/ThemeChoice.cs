namespace VaeWorkbench.Web.Theming;

/// <summary>The light/dark choice a user makes in the app bar. <see cref="System"/> follows the operating system.</summary>
public enum ThemeChoice
{
    System = 0,
    Light = 1,
    Dark = 2,
}

public static class ThemeChoices
{
    /// <summary>The cookie that mirrors the choice, so a page's first (prerendered) paint is already in the right theme.</summary>
    public const string Cookie = "vwb.theme";

    /// <summary>
    /// Reads the cookie's value (<c>light</c>, <c>dark</c>, or <c>system:dark</c>/<c>system:light</c>, which also says
    /// what the system showed last time); anything unknown is the system's light theme.
    /// </summary>
    public static (ThemeChoice Choice, bool SystemWasDark) Parse(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        "light" => (ThemeChoice.Light, false),
        "dark" => (ThemeChoice.Dark, false),
        "system:dark" => (ThemeChoice.System, true),
        _ => (ThemeChoice.System, false),
    };

    public static string ToCookieValue(this ThemeChoice choice, bool systemIsDark = false) => choice switch
    {
        ThemeChoice.System => systemIsDark ? "system:dark" : "system:light",
        _ => choice.ToString().ToLowerInvariant(),
    };

    public static string Label(this ThemeChoice choice) => choice switch
    {
        ThemeChoice.Light => "Light theme",
        ThemeChoice.Dark => "Dark theme",
        _ => "Follow the system theme",
    };
}
