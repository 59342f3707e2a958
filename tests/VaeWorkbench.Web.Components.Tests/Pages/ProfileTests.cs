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

        page.Find("#token-name").Input("nightly export");
        page.Find("#create-token").Click();

        var token = page.WaitForElement("#created-token code").TextContent;
        var row = page.Find("#tokens-grid tbody tr.mud-table-row").QuerySelectorAll("td").Select(td => td.TextContent.Trim()).ToList();
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

        page.Find("#tokens-grid .token-revoke").Click();

        page.WaitForAssertion(() => Assert.Equal("Revoked", page.Find("#tokens-grid .token-revoked").TextContent.Trim()));
        Assert.Null(await RunAsync<ApiTokenService, AppUser?>(s => s.ValidateAsync(token)));
    }

    [Fact]
    public async Task An_over_long_token_name_is_refused_at_the_form_until_dismissed_and_creates_nothing()
    {
        var user = await SignInAsync(TeamRole.Viewer);
        var page = Render<Profile>();

        page.Find("#token-name").Input(new string('x', 101));
        page.Find("#create-token").Click();

        Assert.Equal("Token not created: A token name is at most 100 characters.", page.Find("#token-error .mud-alert-message").TextContent.Trim());
        Assert.Empty(page.FindAll("#created-token"));
        Assert.Empty(await RunAsync<ApiTokenService, List<ApiTokenSummary>>(s => s.ListAsync(user.UserId)));
        page.Find("#token-error button").Click();
        Assert.Empty(page.FindAll("#token-error"));
    }

    [Fact]
    public async Task Without_tokens_the_list_says_so()
    {
        await SignInAsync(TeamRole.Viewer);

        var page = Render<Profile>();

        Assert.Contains("No tokens yet.", page.Find("#tokens-grid").TextContent);
    }
}
