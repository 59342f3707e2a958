using VaeWorkbench.Web.Components.Pages.Account;
using VaeWorkbench.Web.Teams;

namespace VaeWorkbench.Web.Components.Tests.Pages.Account;

public sealed class JoinTeamTests : WorkbenchTestContext
{
    [Fact]
    public async Task A_visitor_who_is_not_signed_in_sees_the_team_and_role_and_is_offered_to_register_with_the_code()
    {
        var owner = await SignInAsync(TeamRole.Owner, teamName: "Vision lab");
        var code = (await RunAsync<InviteService, CreatedInvite>(s => s.CreateAsync(owner.UserId, owner.TeamId, TeamRole.Editor))).Code;
        SignOut();

        var page = Render<JoinTeam>(p => p.Add(c => c.Code, code));

        Assert.Contains("You are invited to Vision lab as Editor", page.Find("#join-offer").TextContent.ReplaceLineEndings(" "));
        Assert.Equal($"account/register?invite={code}", page.Find("#join-register").GetAttribute("href"));
        Assert.Equal($"account/login?returnUrl=%2Fjoin%2F{code}", page.Find("#join-sign-in").GetAttribute("href"));
        Assert.Empty(page.FindAll("#join-team-button"));
    }

    [Fact]
    public async Task A_signed_in_user_joins_with_one_click_and_is_told_the_team_is_now_theirs_to_work_in()
    {
        var owner = await SignInAsync(TeamRole.Owner, teamName: "Vision lab");
        var code = (await RunAsync<InviteService, CreatedInvite>(s => s.CreateAsync(owner.UserId, owner.TeamId, TeamRole.Viewer))).Code;
        var member = await SignInAsNewUserAsync();

        var page = Render<JoinTeam>(p => p.Add(c => c.Code, code));
        page.Find("form").Submit();

        page.WaitForAssertion(() => Assert.Contains("You joined Vision lab as Viewer. It is now the team you work in.",
            page.Find("#join-result").TextContent.ReplaceLineEndings(" ")));
        Assert.Equal(owner.TeamId, (await RunAsync<TeamService, TeamSummary?>(s => s.CurrentTeamAsync(member.Id)))?.Id);
    }

    [Fact]
    public async Task A_revoked_invite_says_so_and_offers_nothing()
    {
        var owner = await SignInAsync(TeamRole.Owner);
        var invite = await RunAsync<InviteService, CreatedInvite>(s => s.CreateAsync(owner.UserId, owner.TeamId, TeamRole.Viewer));
        await RunAsync<InviteService>(s => s.RevokeAsync(owner.UserId, owner.TeamId, invite.Id));

        var page = Render<JoinTeam>(p => p.Add(c => c.Code, invite.Code));

        Assert.Contains("was revoked", page.Find("#join-error").TextContent);
        Assert.Empty(page.FindAll("#join-team-button, #join-register"));
    }
}
