using System.IO.Compression;
using Microsoft.Playwright;
using VaeWorkbench.Imaging;
using VaeWorkbench.Imaging.Formats.Png;

namespace VaeWorkbench.E2E.Infrastructure;

/// <summary>
/// The user guide's pictures, taken by the journeys that follow each tutorial's steps (tests/VaeWorkbench.E2E/Guide).
/// In a normal test run they land beside the test binaries, so taking them is exercised; with
/// <c>VWB_DOCS_SCREENSHOTS=1</c> (what <c>scripts/docs-screenshots.sh</c> sets) they replace <c>docs/images/&lt;guide&gt;/</c>,
/// re-encoded by our own PNG encoder at its smallest setting so the repository stays light.
/// </summary>
public static class GuideShots
{
    public static bool UpdatingDocs => Environment.GetEnvironmentVariable("VWB_DOCS_SCREENSHOTS") == "1";

    /// <summary>The desktop shot: the viewport at 1440 px, or only <paramref name="area"/> when given.</summary>
    public static async Task TakeAsync(IPage page, string guide, string step, ILocator? area = null)
    {
        await page.WaitForAnimationsAsync();
        byte[] png;
        if (area is null)
        {
            png = await page.ScreenshotAsync(new() { FullPage = false });
        }
        else
        {
            // The app bar is fixed: scrolled to a panel below it, it would lie across the panel's top.
            await page.EvaluateAsync("() => document.querySelectorAll('.mud-appbar').forEach(e => e.style.visibility = 'hidden')");
            png = await area.ScreenshotAsync();
            await page.EvaluateAsync("() => document.querySelectorAll('.mud-appbar').forEach(e => e.style.visibility = '')");
        }
        await SaveAsync(guide, step, png);
    }

    /// <summary>The same page at phone width (375 px), for steps whose layout differs there; the viewport is restored after.</summary>
    public static async Task TakePhoneAsync(IPage page, string guide, string step)
    {
        var original = page.ViewportSize!;
        await page.SetViewportSizeAsync(375, 812);
        await page.WaitForAnimationsAsync();
        await SaveAsync(guide, step + "-phone", await page.ScreenshotAsync(new() { FullPage = false }));
        await page.SetViewportSizeAsync(original.Width, original.Height);
    }

    private static async Task SaveAsync(string guide, string step, byte[] png)
    {
        var folder = UpdatingDocs
            ? Path.Combine(RepoPaths.Root, "docs", "images", guide)
            : Path.Combine(RepoPaths.ScreenshotDirectory, "guide", guide);
        Directory.CreateDirectory(folder);
        if (UpdatingDocs) png = PngEncoder.Encode(ImageDecoder.Decode(png), CompressionLevel.SmallestSize);
        await File.WriteAllBytesAsync(Path.Combine(folder, step + ".png"), png);
    }
}
