using Microsoft.Playwright;

namespace VaeWorkbench.E2E.Infrastructure;

public static class FailureArtifacts
{
    /// <summary>Runs a browser scenario; when it fails, leaves a screenshot, the page's HTML and the server log behind.</summary>
    public static async Task RunAsync(IPage page, AppServer server, string name, Func<Task> scenario)
    {
        try
        {
            await scenario();
        }
        catch
        {
            var stem = Path.Combine(RepoPaths.ScreenshotDirectory, "failure-" + name);
            await page.ScreenshotAsync(new() { Path = stem + ".png", FullPage = true });
            await File.WriteAllTextAsync(stem + ".html", await page.ContentAsync());
            await File.WriteAllTextAsync(stem + ".server.log", server.Output);
            throw;
        }
    }
}
