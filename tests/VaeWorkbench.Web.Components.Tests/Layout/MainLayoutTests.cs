using Microsoft.AspNetCore.Components;
using VaeWorkbench.Web.Components.Layout;

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
        Assert.Equal("Vision lab", layout.Find("#team-switcher .rz-dropdown-label").TextContent);
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
}
