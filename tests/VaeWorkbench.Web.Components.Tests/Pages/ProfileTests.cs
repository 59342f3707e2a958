using Radzen;
using VaeWorkbench.Web.Components.Pages;
using VaeWorkbench.Web.Identity;

namespace VaeWorkbench.Web.Components.Tests.Pages;

public sealed class ProfileTests : WorkbenchTestContext
{
    [Fact]
    public async Task A_new_token_is_shown_once_listed_by_its_prefix_and_signs_the_user_in()
    {
        var user = await SignInAsync(TeamRole.Viewer);
        var page = Render<Profile>();

        page.Find("#token-name").Change("nightly export");
        page.Find("#create-token").Click();

        var token = page.WaitForElement("#created-token code").TextContent;
        var row = page.Find("#tokens-grid tr.rz-data-row").QuerySelectorAll("td").Select(td => td.TextContent.Trim()).ToList();
        Assert.Equal(["nightly export", token[..10]], row.Take(2));
        Assert.Equal(user.UserId, (await RunAsync<ApiTokenService, AppUser?>(s => s.ValidateAsync(token)))?.Id);
        Assert.Equal("", page.Find("#token-name").GetAttribute("value"));
    }

    [Fact]
    public async Task Revoking_a_token_stops_it_working_and_marks_it_revoked()
    {
        await SignInAsync(TeamRole.Viewer);
        var page = Render<Profile>();
        page.Find("#create-token").Click();
        var token = page.WaitForElement("#created-token code").TextContent;

        page.Find("#tokens-grid tr.rz-data-row button").Click();

        page.WaitForAssertion(() => Assert.Equal("Revoked", page.Find("#tokens-grid tr.rz-data-row .rz-badge").TextContent));
        Assert.Null(await RunAsync<ApiTokenService, AppUser?>(s => s.ValidateAsync(token)));
    }

    [Fact]
    public async Task An_over_long_token_name_is_refused_with_the_reason_and_creates_nothing()
    {
        var user = await SignInAsync(TeamRole.Viewer);
        var page = Render<Profile>();

        page.Find("#token-name").Change(new string('x', 101));
        page.Find("#create-token").Click();

        var message = Assert.Single(Notifications.Messages);
        Assert.Equal((NotificationSeverity.Error, "Token not created", "A token name is at most 100 characters."), (message.Severity, message.Summary, message.Detail));
        Assert.Empty(page.FindAll("#created-token"));
        Assert.Empty(await RunAsync<ApiTokenService, List<ApiTokenSummary>>(s => s.ListAsync(user.UserId)));
    }
}
