using Microsoft.EntityFrameworkCore;
using MudBlazor;
using VaeWorkbench.Web.Components.Pages;
using VaeWorkbench.Web.Teams;

namespace VaeWorkbench.Web.Components.Tests.Pages;

public sealed class TeamPageTests : WorkbenchTestContext
{
    [Fact]
    public async Task An_owner_creates_an_invite_code_for_the_chosen_role_that_someone_can_redeem()
    {
        var owner = await SignInAsync(TeamRole.Owner);
        var popovers = Render<MudPopoverProvider>();
        var page = Render<TeamPage>();

        page.Find("#invite-role .mud-input-control").MouseDown();
        popovers.WaitForElements(".mud-popover-open .mud-list-item").Single(li => li.TextContent.Trim() == "Editor").Click();
        page.Find("#create-invite").Click();

        var code = page.WaitForElement("#invite-code").TextContent;
        Assert.Contains("A one-time invite for an Editor, valid until", page.Find("#invite-created").TextContent);
        Assert.Equal($"http://localhost/join/{code}", page.Find("#invite-link").TextContent);
        var invite = await RunAsync<InviteService, InvitePreview?>(s => s.PreviewAsync(code));
        Assert.Equal((owner.TeamId, TeamRole.Editor, InviteState.Pending), (invite?.TeamId, invite?.Role, invite?.State));

        // The copy button puts the link on the clipboard, and the invite is listed as pending.
        page.Find("#copy-invite-link").Click();
        Assert.Equal($"http://localhost/join/{code}", JSInterop.VerifyInvoke("vwbCopyText").Arguments.Single());
        Assert.Single(page.FindAll("#pending-invites tbody tr"));
    }

    [Fact]
    public async Task Revoking_a_pending_invite_removes_it_from_the_list_and_its_code_stops_working()
    {
        var owner = await SignInAsync(TeamRole.Owner);
        var page = Render<TeamPage>();
        page.Find("#create-invite").Click();
        var code = page.WaitForElement("#invite-code").TextContent;

        page.WaitForElement("#pending-invites .revoke-invite").Click();

        page.WaitForAssertion(() => Assert.Empty(page.FindAll("#pending-invites")));
        Assert.Empty(page.FindAll("#invite-created"));
        Assert.Equal(InviteState.Revoked, (await RunAsync<InviteService, InvitePreview?>(s => s.PreviewAsync(code)))?.State);
    }

    [Fact]
    public async Task An_owner_changes_a_members_role_in_the_members_list()
    {
        var owner = await SignInAsync(TeamRole.Owner);
        var member = await AddMemberAsync(owner.UserId, owner.TeamId, TeamRole.Viewer);
        var popovers = Render<MudPopoverProvider>();
        var page = Render<TeamPage>();

        var row = page.FindAll("#members-grid tbody tr.mud-table-row").Single(r => r.QuerySelector(".member-email")!.TextContent.Trim() == member.Email);
        row.QuerySelector(".member-role .mud-input-control")!.MouseDown();
        popovers.WaitForElements(".mud-popover-open .mud-list-item").Single(li => li.TextContent.Trim() == "Editor").Click();

        await page.WaitForAssertionAsync(async () =>
        {
            var members = await RunAsync<TeamService, List<MemberSummary>>(s => s.MembersAsync(owner.UserId, owner.TeamId));
            Assert.Equal(TeamRole.Editor, members.Single(m => m.UserId == member.Id).Role);
        });
    }

    [Fact]
    public async Task Renaming_the_team_renames_it_for_the_whole_workspace()
    {
        var owner = await SignInAsync(TeamRole.Owner, teamName: "Vision lab");
        var page = Render<TeamPage>();

        page.Find("#team-name").Input("  Imaging group ");
        page.Find("#rename-team").Click();

        page.WaitForAssertion(() => Assert.Equal("Team: Imaging group", page.Find("h1").TextContent));
        Assert.Equal("Imaging group", owner.Workspace.CurrentTeam?.Name);
        Assert.Equal("Imaging group", await TeamNameAsync(owner.TeamId));
    }

    [Fact]
    public async Task A_blank_team_name_is_refused_with_the_reason_and_nothing_changes()
    {
        var owner = await SignInAsync(TeamRole.Owner, teamName: "Vision lab");
        var page = Render<TeamPage>();

        page.Find("#team-name").Input("   ");
        page.Find("#rename-team").Click();

        var message = Assert.Single(Snackbars);
        Assert.Equal((Severity.Error, "Not done: A team name must not be empty."), (message.Severity, message.Message));
        Assert.Equal("Vision lab", await TeamNameAsync(owner.TeamId));
        Assert.Equal("Team: Vision lab", page.Find("h1").TextContent);
    }

    [Fact]
    public async Task A_viewer_sees_the_members_and_their_roles_but_no_owner_controls()
    {
        var viewer = await SignInAsync(TeamRole.Viewer);
        var page = Render<TeamPage>();

        var members = page.FindAll("#members-grid tbody tr.mud-table-row")
            .Select(row => row.QuerySelectorAll("td").Take(2).Select(td => td.TextContent.Trim()).ToArray())
            .ToDictionary(cells => cells[0], cells => cells[1]);
        Assert.Equal(new Dictionary<string, string> { ["owner1@example.test"] = "Owner", [viewer.Email] = "Viewer" }, members);
        Assert.Equal("Viewer", page.Find("#team-role").TextContent.Trim());
        Assert.Empty(page.FindAll("#rename-team, #create-invite, #invite-code"));
        // The one button in the members list is the viewer's own: they may leave, not remove others.
        Assert.Equal(["Leave"], page.FindAll("#members-grid button").Select(b => b.TextContent.Trim()));
    }

    [Fact]
    public async Task Creating_a_team_makes_it_the_current_one()
    {
        var user = await SignInAsync(TeamRole.Viewer);
        var page = Render<TeamPage>();

        page.Find("#new-team-name").Input("Side project");
        page.Find("#create-team").Click();

        page.WaitForAssertion(() => Assert.Equal("Team: Side project", page.Find("h1").TextContent));
        Assert.Equal((TeamRole.Owner, false), (user.Workspace.CurrentTeam?.Role, user.Workspace.CurrentTeam?.IsPersonal));
        // As owner of the new team the page now offers the owner's controls.
        Assert.NotEmpty(page.FindAll("#rename-team"));
    }

    [Fact]
    public async Task An_unknown_invite_code_is_refused_with_the_reason()
    {
        var user = await SignInAsync(TeamRole.Viewer);
        var page = Render<TeamPage>();

        page.Find("#join-code").Input("inv_not-a-real-code");
        page.Find("#join-team").Click();

        var message = Assert.Single(Snackbars);
        Assert.Equal((Severity.Error, "Not done: This invite code is unknown. Check that the whole link was copied."), (message.Severity, message.Message));
        Assert.Equal(user.TeamId, user.Workspace.CurrentTeam?.Id);
    }


    private Task<string> TeamNameAsync(Guid teamId) => QueryAsync(db => db.Teams.Where(t => t.Id == teamId).Select(t => t.Name).SingleAsync());
}
