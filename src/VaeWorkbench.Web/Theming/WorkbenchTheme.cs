using MudBlazor;

namespace VaeWorkbench.Web.Theming;

/// <summary>
/// The one Material theme of the app: a light and a dark palette. Fonts are the platform's own, since the server
/// cannot assume that clients reach a font CDN and the design ships no web font.
/// </summary>
public static class WorkbenchTheme
{
    private static readonly string[] FontStack =
        ["Roboto", "system-ui", "-apple-system", "Segoe UI", "Helvetica Neue", "Arial", "sans-serif"];

    public static MudTheme Create() => new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#3f51b5",
            Secondary = "#00796b",
            Tertiary = "#8e24aa",
            AppbarBackground = "#3f51b5",
            Background = "#f6f7fb",
            DrawerBackground = "#ffffff",
            TextSecondary = "rgba(0,0,0,0.66)",
            // Material's 700 shades: the defaults (#00c853, #f44336, #2196f3, #ff9800) fail AA contrast as text on white.
            Success = "#2e7d32",
            Error = "#c62828",
            Info = "#01579b",
            Warning = "#a15c00",
        },
        PaletteDark = new PaletteDark
        {
            Primary = "#9fa8ff",
            // White on this light primary fails WCAG AA contrast on filled buttons; dark text passes.
            PrimaryContrastText = "rgba(0,0,0,0.87)",
            Secondary = "#4db6ac",
            Tertiary = "#ce93d8",
            AppbarBackground = "#1e1f2b",
            Background = "#14151c",
            Surface = "#1e1f2b",
            DrawerBackground = "#1a1b24",
            TextSecondary = "rgba(255,255,255,0.72)",
            // Light shades read as text on the dark surface; filled buttons and chips then need dark text on them.
            Success = "#81c784",
            SuccessContrastText = "rgba(0,0,0,0.87)",
            Error = "#ef9a9a",
            ErrorContrastText = "rgba(0,0,0,0.87)",
            Info = "#81d4fa",
            InfoContrastText = "rgba(0,0,0,0.87)",
            Warning = "#ffcc80",
            WarningContrastText = "rgba(0,0,0,0.87)",
        },
        Typography = new Typography
        {
            Default = new DefaultTypography { FontFamily = FontStack },
        },
        LayoutProperties = new LayoutProperties { DrawerWidthLeft = "232px" },
    };
}
