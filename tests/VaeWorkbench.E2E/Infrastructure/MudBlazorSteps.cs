using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace VaeWorkbench.E2E.Infrastructure;

/// <summary>Steps through MudBlazor controls the way a user does: their lists open in a popover, not a native select.</summary>
public static class MudBlazorSteps
{
    /// <summary>Opens the MudSelect inside <paramref name="wrapper"/> and clicks the item showing <paramref name="itemText"/>.</summary>
    public static async Task ChooseAsync(this IPage page, string wrapper, string itemText)
    {
        await page.Locator($"{wrapper} .mud-select .mud-input-control-input-container").ClickAsync();
        var item = page.Locator(".mud-popover-open .mud-list-item").Filter(new() { HasTextRegex = new Regex($"^\\s*{Regex.Escape(itemText)}\\s*$") });
        await item.ClickAsync();
        await Assertions.Expect(page.Locator(".mud-popover-open .mud-list-item")).ToHaveCountAsync(0);
    }

    /// <summary>Clicks the MudTabs tab labelled <paramref name="label"/> and waits for the page's URL to name it.</summary>
    public static async Task OpenTabAsync(this IPage page, string label, string urlName)
    {
        await page.Locator(".mud-tab").Filter(new() { HasTextRegex = new Regex($"^\\s*{Regex.Escape(label)}\\s*$") }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex($"[?&]tab={Regex.Escape(urlName)}(&|$)"));
    }
}
