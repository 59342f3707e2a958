using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using MudBlazor;
using VaeWorkbench.Web.Components.Layout;
using VaeWorkbench.Web.Theming;

namespace VaeWorkbench.Web.Components.Tests.Layout;

public sealed class MainLayoutTests : WorkbenchTestContext
{
    private static readonly RenderFragment PageBody = b => b.AddMarkupContent(0, "<p id=\"page-body\">page</p>");

    [Fact]
    public async Task Signed_in_the_header_shows_the_current_team_and_who_is_signed_in_and_the_page_renders()
    {
        var user = await SignInAsync(TeamRole.Viewer, teamName: "Vision lab");

        var layout = Render<MainLayout>(p => p.Add(c => c.Body, PageBody));

        layout.WaitForAssertion(() => Assert.Equal("page", layout.Find("#page-body").TextContent));
        Assert.Equal("Vision lab", layout.Find("#team-switcher [role=combobox]").TextContent.Trim());
        Assert.Equal(user.Email, layout.Find(".vwb-user-email").TextContent);
        var signOut = layout.Find("form.vwb-logout");
        Assert.Equal("account/logout", signOut.GetAttribute("action"));
        Assert.Equal("test-antiforgery-token", signOut.QuerySelector("input[name=__RequestVerificationToken]")?.GetAttribute("value"));
    }

    [Fact]
    public void Signed_out_there_is_no_team_or_user_menu_and_no_page()
    {
        var layout = Render<MainLayout>(p => p.Add(c => c.Body, PageBody));

        Assert.Empty(layout.FindAll("#team-switcher"));
        Assert.Empty(layout.FindAll("#user-menu"));
        Assert.Empty(layout.FindAll("#page-body"));
    }

    [Fact]
    public async Task Choosing_the_dark_theme_paints_dark_saves_it_for_the_user_and_mirrors_it_in_the_cookie()
    {
        var user = await SignInAsync(TeamRole.Viewer);
        var layout = Render<MainLayout>(p => p.Add(c => c.Body, PageBody));
        layout.WaitForAssertion(() => layout.Find("#page-body"));
        Assert.False(PaintsDark(layout));

        layout.Find("#theme-toggle button").Click();
        layout.WaitForElement("#theme-dark").Click();

        layout.WaitForAssertion(() => Assert.True(PaintsDark(layout)));
        Assert.Equal(ThemeChoice.Dark, await QueryAsync(db => db.Users.Where(u => u.Id == user.UserId).Select(u => u.ThemeChoice).SingleAsync()));
        var cookie = JSInterop.VerifyInvoke("vwbSetThemeCookie", calledTimes: 2)[1];
        Assert.Equal([ThemeChoices.Cookie, "dark"], cookie.Arguments);
    }

    [Fact]
    public async Task A_user_who_never_chose_follows_the_system_and_a_saved_choice_wins_over_it()
    {
        var user = await SignInAsync(TeamRole.Viewer);
        JSInterop.Setup<bool>("mudThemeProvider.isDarkMode").SetResult(true);
        var layout = Render<MainLayout>(p => p.Add(c => c.Body, PageBody));
        layout.WaitForAssertion(() => Assert.True(PaintsDark(layout)));

        await RunAsync<ThemePreferences>(p => p.SetAsync(user.UserId, ThemeChoice.Light));
        await DisposeComponentsAsync();
        var again = Render<MainLayout>(p => p.Add(c => c.Body, PageBody));
        again.WaitForAssertion(() => again.Find("#page-body"));
        Assert.False(PaintsDark(again));
    }

    // The theme provider writes the chosen palette as CSS variables; the dark palette's background is the tell.
    private static bool PaintsDark(IRenderedComponent<MainLayout> layout) =>
        layout.FindAll("style").Any(s => s.TextContent.Contains("--mud-palette-background: " + DarkBackground, StringComparison.OrdinalIgnoreCase));

    private static readonly string DarkBackground = new MudBlazor.Utilities.MudColor(WorkbenchTheme.Create().PaletteDark.Background.ToString()).ToString(MudBlazor.Utilities.MudColorOutputFormats.RGBA);
}
