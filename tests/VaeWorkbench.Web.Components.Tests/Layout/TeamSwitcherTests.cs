using Microsoft.EntityFrameworkCore;
using MudBlazor;
using VaeWorkbench.Web.Components.Layout;
using VaeWorkbench.Web.Teams;

namespace VaeWorkbench.Web.Components.Tests.Layout;

public sealed class TeamSwitcherTests : WorkbenchTestContext
{
    [Fact]
    public async Task Lists_the_users_teams_and_shows_the_current_one()
    {
        var user = await SignInAsync(TeamRole.Editor, teamName: "Vision lab");

        var switcher = RenderSwitcher(user);

        Assert.Equal(["editor2's team", "Vision lab"], OfferedTeams(switcher));
        Assert.Equal("Vision lab", ShownTeam(switcher));
    }

    [Fact]
    public async Task Choosing_a_team_makes_it_the_current_team_for_the_user()
    {
        var user = await SignInAsync(TeamRole.Owner, teamName: "Vision lab");
        var switcher = RenderSwitcher(user);

        Choose(switcher, "owner1's team");

        switcher.WaitForAssertion(() => Assert.Equal("owner1's team", ShownTeam(switcher)));
        var personal = user.Workspace.Teams.Single(t => t.IsPersonal);
        Assert.Equal(personal.Id, user.Workspace.CurrentTeam?.Id);
        Assert.Equal(personal.Id, await CurrentTeamInDatabaseAsync(user.UserId));
    }

    [Fact]
    public async Task Choosing_a_team_one_was_removed_from_says_so_and_drops_it_from_the_list()
    {
        var user = await SignInAsync(TeamRole.Editor, teamName: "Vision lab");
        var switcher = RenderSwitcher(user);
        Choose(switcher, "editor2's team");
        switcher.WaitForAssertion(() => Assert.Equal("editor2's team", ShownTeam(switcher)));
        // Meanwhile, in another browser, the owner removes the editor from the team this list still offers.
        await RunAsync<TeamService>(s => s.RemoveMemberAsync(user.OwnerId, user.TeamId, user.UserId));

        Choose(switcher, "Vision lab");

        switcher.WaitForAssertion(() => Assert.Equal(["editor2's team"], OfferedTeams(switcher)));
        var message = Assert.Single(Services.GetRequiredService<ISnackbar>().ShownSnackbars);
        Assert.Equal(Severity.Error, message.Severity);
        Assert.StartsWith("Cannot switch team", message.Message);
        Assert.Equal("editor2's team", user.Workspace.CurrentTeam?.Name);
        Assert.NotEqual(user.TeamId, await CurrentTeamInDatabaseAsync(user.UserId));
    }

    private IRenderedComponent<MudPopoverProvider>? popovers;

    // The select's list opens in the popover provider, as it does under the app's layout.
    private IRenderedComponent<TeamSwitcher> RenderSwitcher(SignedInUser user)
    {
        popovers = Render<MudPopoverProvider>();
        return Render<TeamSwitcher>(p => p.Add(c => c.Workspace, user.Workspace));
    }

    private void Open(IRenderedComponent<TeamSwitcher> switcher)
    {
        if (popovers!.FindAll(".mud-popover-open").Count == 0) switcher.Find(".mud-input-control").MouseDown();
    }

    private void Choose(IRenderedComponent<TeamSwitcher> switcher, string team)
    {
        Open(switcher);
        popovers!.FindAll(".mud-popover-open .mud-list-item").Single(i => i.TextContent.Trim() == team).Click();
    }

    private IEnumerable<string> OfferedTeams(IRenderedComponent<TeamSwitcher> switcher)
    {
        Open(switcher);
        return popovers!.FindAll(".mud-popover-open .mud-list-item").Select(i => i.TextContent.Trim());
    }

    private static string ShownTeam(IRenderedComponent<TeamSwitcher> switcher) => switcher.Find("[role=combobox]").TextContent.Trim();

    private Task<Guid?> CurrentTeamInDatabaseAsync(string userId) =>
        QueryAsync(db => db.Users.Where(u => u.Id == userId).Select(u => u.CurrentTeamId).SingleAsync());
}
