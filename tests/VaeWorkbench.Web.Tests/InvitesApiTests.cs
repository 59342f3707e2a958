using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using VaeWorkbench.Web.Data;
using VaeWorkbench.Web.Tests.Infrastructure;

namespace VaeWorkbench.Web.Tests;

/// <summary>Invite links: expiry, revocation, role, who may manage them, and the team a person works in after joining.</summary>
public sealed class InvitesApiTests : IDisposable
{
    private readonly WorkbenchFactory _factory = new();

    [Fact]
    public async Task An_invite_is_a_link_with_a_role_and_a_seven_day_expiry_that_the_owner_sees_listed_without_its_code()
    {
        var owner = await _factory.RegisterWithTokenAsync();
        var teamId = await owner.PersonalTeamIdAsync();

        var invite = await CreateAsync(owner, teamId, "Editor");
        var code = invite.GetProperty("code").GetString()!;
        Assert.StartsWith("inv_", code);
        Assert.EndsWith($"/join/{code}", invite.GetProperty("url").GetString());
        Assert.StartsWith("http://localhost/", invite.GetProperty("url").GetString());
        Assert.Equal("Editor", invite.GetProperty("role").GetString());
        var expires = invite.GetProperty("expiresAt").GetDateTimeOffset();
        Assert.InRange(expires - DateTimeOffset.UtcNow, TimeSpan.FromDays(7) - TimeSpan.FromMinutes(5), TimeSpan.FromDays(7));

        var listed = Assert.Single((await owner.GetJsonAsync($"/api/teams/{teamId}/invites")).EnumerateArray());
        Assert.Equal(invite.GetProperty("id").GetGuid(), listed.GetProperty("id").GetGuid());
        Assert.Equal("Pending", listed.GetProperty("state").GetString());
        Assert.Equal(owner.Email, listed.GetProperty("createdBy").GetString());
        Assert.DoesNotContain(code, listed.GetRawText());
    }

    [Fact]
    public async Task Joining_gives_the_role_makes_the_team_current_and_uses_the_invite_up()
    {
        var owner = await _factory.RegisterWithTokenAsync();
        var teamId = await owner.PersonalTeamIdAsync();
        var code = (await CreateAsync(owner, teamId, "Viewer")).GetProperty("code").GetString();
        var member = await _factory.RegisterWithTokenAsync();

        var joined = await member.Client.PostAsJsonAsync("/api/teams/join", new { code });
        await ApiClient.EnsureStatusAsync(joined, HttpStatusCode.OK);

        var me = await member.GetJsonAsync("/api/me");
        Assert.Equal(teamId, me.GetProperty("currentTeamId").GetGuid());
        Assert.Contains((await owner.GetJsonAsync($"/api/teams/{teamId}/members")).EnumerateArray(),
            m => m.GetProperty("email").GetString() == member.Email && m.GetProperty("role").GetString() == "Viewer");
        Assert.Empty((await owner.GetJsonAsync($"/api/teams/{teamId}/invites")).EnumerateArray());

        var again = await _factory.RegisterWithTokenAsync();
        var used = await ApiClient.AssertProblemAsync(await again.Client.PostAsJsonAsync("/api/teams/join", new { code }), HttpStatusCode.BadRequest);
        Assert.Contains("already been used", used.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_revoked_or_expired_invite_is_refused_saying_which_and_an_unknown_code_says_so()
    {
        var owner = await _factory.RegisterWithTokenAsync();
        var teamId = await owner.PersonalTeamIdAsync();
        var revoked = await CreateAsync(owner, teamId, "Editor");
        var expired = await CreateAsync(owner, teamId, "Editor");
        var member = await _factory.RegisterWithTokenAsync();

        await ApiClient.EnsureStatusAsync(await owner.Client.DeleteAsync($"/api/teams/{teamId}/invites/{revoked.GetProperty("id").GetGuid()}"), HttpStatusCode.NoContent);
        using (var scope = _factory.Services.CreateScope())
        {
            var id = expired.GetProperty("id").GetGuid();
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            var invite = await db.TeamInvites.SingleAsync(i => i.Id == id);
            invite.ExpiresAt = DateTimeOffset.UtcNow.AddMinutes(-1);
            await db.SaveChangesAsync();
        }

        var revokedAnswer = await ApiClient.AssertProblemAsync(await member.Client.PostAsJsonAsync("/api/teams/join", new { code = revoked.GetProperty("code").GetString() }), HttpStatusCode.BadRequest);
        Assert.Contains("was revoked", revokedAnswer.GetProperty("detail").GetString());
        var expiredAnswer = await ApiClient.AssertProblemAsync(await member.Client.PostAsJsonAsync("/api/teams/join", new { code = expired.GetProperty("code").GetString() }), HttpStatusCode.BadRequest);
        Assert.Contains("expired on", expiredAnswer.GetProperty("detail").GetString());
        var unknown = await ApiClient.AssertProblemAsync(await member.Client.PostAsJsonAsync("/api/teams/join", new { code = "inv_nope" }), HttpStatusCode.BadRequest);
        Assert.Contains("unknown", unknown.GetProperty("detail").GetString());

        // Neither joined, and neither is listed as pending.
        Assert.DoesNotContain((await owner.GetJsonAsync($"/api/teams/{teamId}/members")).EnumerateArray(), m => m.GetProperty("email").GetString() == member.Email);
        Assert.Empty((await owner.GetJsonAsync($"/api/teams/{teamId}/invites")).EnumerateArray());
        // Registering with a revoked code is refused for the same reason.
        var register = await _factory.CreateClient().PostAsJsonAsync("/api/auth/register",
            new { email = "late@example.test", password = "long-enough-password", inviteCode = revoked.GetProperty("code").GetString() });
        Assert.Contains("was revoked", (await ApiClient.AssertProblemAsync(register, HttpStatusCode.BadRequest)).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Only_the_owner_manages_invites_and_another_team_cannot_see_or_revoke_them()
    {
        var owner = await _factory.RegisterWithTokenAsync();
        var teamId = await owner.PersonalTeamIdAsync();
        var inviteId = (await CreateAsync(owner, teamId, "Viewer")).GetProperty("id").GetGuid();
        var editor = await TrainedRun.JoinAsAsync(_factory, owner, teamId, "Editor");
        var stranger = await _factory.RegisterWithTokenAsync();

        await ApiClient.AssertProblemAsync(await editor.Client.GetAsync($"/api/teams/{teamId}/invites"), HttpStatusCode.Forbidden);
        await ApiClient.AssertProblemAsync(await editor.Client.DeleteAsync($"/api/teams/{teamId}/invites/{inviteId}"), HttpStatusCode.Forbidden);
        await ApiClient.AssertProblemAsync(await editor.Client.PostAsJsonAsync($"/api/teams/{teamId}/invites", new { role = "Owner" }), HttpStatusCode.Forbidden);
        await ApiClient.AssertProblemAsync(await stranger.Client.GetAsync($"/api/teams/{teamId}/invites"), HttpStatusCode.NotFound);
        await ApiClient.AssertProblemAsync(await stranger.Client.DeleteAsync($"/api/teams/{teamId}/invites/{inviteId}"), HttpStatusCode.NotFound);
        // Nor through the stranger's own team: the invite is looked up within the team named.
        var strangerTeam = await stranger.PersonalTeamIdAsync();
        await ApiClient.AssertProblemAsync(await stranger.Client.DeleteAsync($"/api/teams/{strangerTeam}/invites/{inviteId}"), HttpStatusCode.NotFound);
        Assert.Single((await owner.GetJsonAsync($"/api/teams/{teamId}/invites")).EnumerateArray());
    }

    [Fact]
    public async Task A_person_who_registers_through_an_invite_works_in_that_team_without_an_empty_team_of_their_own()
    {
        var owner = await _factory.RegisterWithTokenAsync();
        var teamId = await owner.PersonalTeamIdAsync();
        var code = (await CreateAsync(owner, teamId, "Editor")).GetProperty("code").GetString();

        var invited = await _factory.RegisterWithTokenAsync(inviteCode: code);

        var teams = (await invited.GetJsonAsync("/api/teams")).EnumerateArray().ToList();
        Assert.Equal(teamId, Assert.Single(teams).GetProperty("id").GetGuid());
        Assert.Equal(teamId, (await invited.GetJsonAsync("/api/me")).GetProperty("currentTeamId").GetGuid());
    }

    private static async Task<JsonElement> CreateAsync(ApiUser owner, Guid teamId, string role)
    {
        var response = await owner.Client.PostAsJsonAsync($"/api/teams/{teamId}/invites", new { role });
        await ApiClient.EnsureStatusAsync(response, HttpStatusCode.OK);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public void Dispose() => _factory.Dispose();
}
