using Microsoft.Playwright;
using VaeWorkbench.E2E.Infrastructure;

namespace VaeWorkbench.E2E;

public sealed class ShellTests : BrowserTest
{
    [Fact]
    public async Task A_new_user_registers_lands_on_the_shell_and_switches_theme()
    {
        var context = await NewContextAsync(1366, 800);
        var page = await context.NewPageAsync();
        var darkBackground = "";
        await FailureArtifacts.RunAsync(page, Server, "register-theme", async () =>
        {
            await page.GotoAsync("/");
            await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/account/login"));

            await page.ClickAsync("text=Create an account");
            // The login page has an #email field too; wait until the register form has replaced it.
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Create an account" })).ToBeVisibleAsync();
            await page.FillAsync("#email", "ada@example.test");
            await page.FillAsync("#password", "analytical-engine");
            await page.FillAsync("#confirm-password", "analytical-engine");
            await page.ClickAsync("#register");

            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Welcome, ada@example.test" })).ToBeVisibleAsync();
            await Assertions.Expect(page.Locator("#current-team-name")).ToHaveTextAsync("ada's team");
            foreach (var item in new[] { "Datasets", "Runs", "Models", "Augmented sets", "Review", "Team" })
                await Assertions.Expect(page.Locator(".mud-drawer .mud-nav-link").GetByText(item, new() { Exact = true })).ToBeVisibleAsync();
            await page.WaitForInteractivityAsync();

            var lightBackground = await BodyBackgroundAsync(page);
            await page.ScreenshotAsync(new() { Path = Path.Combine(RepoPaths.ScreenshotDirectory, "shell-light.png"), FullPage = true });

            await ChooseThemeAsync(page, "dark");
            await page.WaitForFunctionAsync("bg => getComputedStyle(document.body).backgroundColor !== bg", lightBackground);
            darkBackground = await BodyBackgroundAsync(page);
            Assert.NotEqual(lightBackground, darkBackground);
            await page.ScreenshotAsync(new() { Path = Path.Combine(RepoPaths.ScreenshotDirectory, "shell-dark.png"), FullPage = true });

            await ChooseThemeAsync(page, "light");
            await page.WaitForFunctionAsync("bg => getComputedStyle(document.body).backgroundColor === bg", lightBackground);

            // The choice is remembered across a reload (the cookie paints the first frame) ...
            await ChooseThemeAsync(page, "dark");
            await page.WaitForFunctionAsync("bg => getComputedStyle(document.body).backgroundColor !== bg", lightBackground);
            await page.ReloadAsync();
            Assert.Equal(darkBackground, await BodyBackgroundAsync(page));
            await page.WaitForInteractivityAsync();
            Assert.Equal(darkBackground, await BodyBackgroundAsync(page));
        });
        await context.CloseAsync();

        // ... and per user: a fresh browser with no cookie signs in and gets the dark theme from the account.
        var other = await NewContextAsync(1280, 800);
        var otherPage = await other.NewPageAsync();
        await FailureArtifacts.RunAsync(otherPage, Server, "theme-per-user", async () =>
        {
            await otherPage.SignInAsync("ada@example.test", "analytical-engine");
            await otherPage.WaitForInteractivityAsync();
            await otherPage.WaitForFunctionAsync("bg => getComputedStyle(document.body).backgroundColor === bg", darkBackground);
        });
        await other.CloseAsync();
    }

    [Fact]
    public async Task The_shell_works_at_phone_width_and_switches_teams()
    {
        var context = await NewContextAsync(390, 844);
        var page = await context.NewPageAsync();
        await FailureArtifacts.RunAsync(page, Server, "phone-teams", async () =>
        {
            await page.RegisterAsync("grace@example.test", "compiler-first");
            await page.WaitForInteractivityAsync();

            // Nothing spills sideways at phone width, and the header keeps the user menu and sign-out on screen.
            var overflow = await page.EvaluateAsync<int>("document.documentElement.scrollWidth - document.documentElement.clientWidth");
            Assert.True(overflow <= 1, $"page is {overflow}px wider than a phone screen");
            foreach (var id in new[] { "#team-switcher", "#theme-toggle", "#user-menu", "#sign-out" })
            {
                var box = await page.Locator(id).BoundingBoxAsync();
                Assert.True(box is not null && box.X >= 0 && box.X + box.Width <= 390, $"{id} is off screen at phone width: {box?.X}+{box?.Width}");
            }
            await page.ScreenshotAsync(new() { Path = Path.Combine(RepoPaths.ScreenshotDirectory, "shell-phone.png"), FullPage = true });

            // Create a second team on the Team page, then switch back with the header's switcher.
            await page.GotoAsync("/team");
            await page.WaitForInteractivityAsync();
            await page.FillAsync("#new-team-name", "Vision lab");
            await page.ClickAsync("#create-team");
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Team: Vision lab" })).ToBeVisibleAsync();

            await page.ClickAsync("#team-switcher");
            await page.ClickAsync(".mud-popover-open .mud-list-item >> text=grace's team");
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Team: grace's team" })).ToBeVisibleAsync();
        });
        await context.CloseAsync();
    }


    private static async Task ChooseThemeAsync(IPage page, string choice)
    {
        await page.ClickAsync("#theme-toggle");
        await page.ClickAsync($"#theme-{choice}");
    }

    private static Task<string> BodyBackgroundAsync(IPage page) =>
        page.EvaluateAsync<string>("getComputedStyle(document.body).backgroundColor");

}
