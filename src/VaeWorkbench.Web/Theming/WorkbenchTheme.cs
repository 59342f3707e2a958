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
        },
        PaletteDark = new PaletteDark
        {
            Primary = "#9fa8ff",
            // White on the light indigo fails contrast (axe): filled buttons take dark text in the dark theme.
            PrimaryContrastText = "#14151c",
            Secondary = "#4db6ac",
            Tertiary = "#ce93d8",
            AppbarBackground = "#1e1f2b",
            Background = "#14151c",
            Surface = "#1e1f2b",
            DrawerBackground = "#1a1b24",
            TextSecondary = "rgba(255,255,255,0.72)",
        },
        Typography = new Typography
        {
            Default = new DefaultTypography { FontFamily = FontStack },
        },
        LayoutProperties = new LayoutProperties { DrawerWidthLeft = "232px" },
    };
}
