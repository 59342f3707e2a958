using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using VaeWorkbench.Web.Tests.Infrastructure;

namespace VaeWorkbench.Web.Tests;

public sealed class TeamAccessApiTests : IDisposable
{
    private readonly WorkbenchFactory _factory = new();

    [Fact]
    public async Task Another_teams_objects_are_404_for_reads_and_writes()
    {
        var alice = await _factory.RegisterWithTokenAsync();
        var mallory = await _factory.RegisterWithTokenAsync();
        var aliceTeam = await alice.PersonalTeamIdAsync();

        await ApiClient.AssertProblemAsync(await mallory.Client.GetAsync($"/api/teams/{aliceTeam}"), HttpStatusCode.NotFound);
        await ApiClient.AssertProblemAsync(await mallory.Client.GetAsync($"/api/teams/{aliceTeam}/members"), HttpStatusCode.NotFound);
        await ApiClient.AssertProblemAsync(await mallory.Client.PutAsJsonAsync($"/api/teams/{aliceTeam}", new { name = "pwned" }), HttpStatusCode.NotFound);
        await ApiClient.AssertProblemAsync(await mallory.Client.PostAsJsonAsync($"/api/teams/{aliceTeam}/invites", new { role = "Owner" }), HttpStatusCode.NotFound);
        await ApiClient.AssertProblemAsync(await mallory.Client.PutAsJsonAsync("/api/me/current-team", new { teamId = aliceTeam }), HttpStatusCode.NotFound);
        // A team that does not exist at all reads the same, so ids cannot be probed.
        await ApiClient.AssertProblemAsync(await mallory.Client.GetAsync($"/api/teams/{Guid.NewGuid()}"), HttpStatusCode.NotFound);

        var team = await alice.GetJsonAsync($"/api/teams/{aliceTeam}");
        Assert.NotEqual("pwned", team.GetProperty("name").GetString());
    }

    [Fact]
    public async Task A_viewer_reads_the_team_but_its_writes_get_403()
    {
        var (owner, viewer, teamId) = await OwnerAndMemberAsync("Viewer");

        var team = await viewer.GetJsonAsync($"/api/teams/{teamId}");
        Assert.Equal("Viewer", team.GetProperty("role").GetString());
        Assert.Equal(2, (await viewer.GetJsonAsync($"/api/teams/{teamId}/members")).GetArrayLength());

        await ApiClient.AssertProblemAsync(await viewer.Client.PutAsJsonAsync($"/api/teams/{teamId}", new { name = "renamed" }), HttpStatusCode.Forbidden);
        await ApiClient.AssertProblemAsync(await viewer.Client.PostAsJsonAsync($"/api/teams/{teamId}/invites", new { role = "Viewer" }), HttpStatusCode.Forbidden);
        var ownerId = (await owner.GetJsonAsync($"/api/teams/{teamId}/members")).EnumerateArray()
            .First(m => m.GetProperty("role").GetString() == "Owner").GetProperty("userId").GetString();
        await ApiClient.AssertProblemAsync(await viewer.Client.DeleteAsync($"/api/teams/{teamId}/members/{ownerId}"), HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task An_invite_code_works_once()
    {
        var owner = await _factory.RegisterWithTokenAsync();
        var teamId = await owner.PersonalTeamIdAsync();
        var code = await InviteAsync(owner, teamId, "Editor");
        var first = await _factory.RegisterWithTokenAsync();
        var second = await _factory.RegisterWithTokenAsync();

        await ApiClient.EnsureStatusAsync(await first.Client.PostAsJsonAsync("/api/teams/join", new { code }), HttpStatusCode.OK);
        await ApiClient.AssertProblemAsync(await second.Client.PostAsJsonAsync("/api/teams/join", new { code }), HttpStatusCode.BadRequest);
        await ApiClient.AssertProblemAsync(await second.Client.GetAsync($"/api/teams/{teamId}"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_removed_member_is_refused_on_the_very_next_request()
    {
        var (owner, editor, teamId) = await OwnerAndMemberAsync("Editor");
        await ApiClient.EnsureStatusAsync(await editor.Client.GetAsync($"/api/teams/{teamId}"), HttpStatusCode.OK);
        var editorId = (await owner.GetJsonAsync($"/api/teams/{teamId}/members")).EnumerateArray()
            .First(m => m.GetProperty("role").GetString() == "Editor").GetProperty("userId").GetString();

        await ApiClient.EnsureStatusAsync(await owner.Client.DeleteAsync($"/api/teams/{teamId}/members/{editorId}"), HttpStatusCode.NoContent);

        await ApiClient.AssertProblemAsync(await editor.Client.GetAsync($"/api/teams/{teamId}"), HttpStatusCode.NotFound);
        var me = await editor.GetJsonAsync("/api/me");
        Assert.DoesNotContain(me.GetProperty("teams").EnumerateArray(), t => t.GetProperty("id").GetGuid() == teamId);
    }

    [Fact]
    public async Task The_last_owner_cannot_leave_or_be_demoted()
    {
        var owner = await _factory.RegisterWithTokenAsync();
        var teamId = await owner.PersonalTeamIdAsync();
        var ownerId = (await owner.GetJsonAsync($"/api/teams/{teamId}/members")).EnumerateArray().Single().GetProperty("userId").GetString();

        await ApiClient.AssertProblemAsync(await owner.Client.DeleteAsync($"/api/teams/{teamId}/members/{ownerId}"), HttpStatusCode.BadRequest);
        await ApiClient.AssertProblemAsync(await owner.Client.PutAsJsonAsync($"/api/teams/{teamId}/members/{ownerId}", new { role = "Viewer" }), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_member_switches_current_team_and_me_reports_it()
    {
        var (_, editor, teamId) = await OwnerAndMemberAsync("Editor");
        await ApiClient.EnsureStatusAsync(await editor.Client.PutAsJsonAsync("/api/me/current-team", new { teamId }), HttpStatusCode.NoContent);
        var me = await editor.GetJsonAsync("/api/me");
        Assert.Equal(teamId, me.GetProperty("currentTeamId").GetGuid());
        Assert.Equal(2, me.GetProperty("teams").GetArrayLength());
    }

    [Fact]
    public async Task An_owner_creates_a_team_and_promotes_a_member()
    {
        var (owner, member, teamId) = await OwnerAndMemberAsync("Viewer");
        var memberId = (await owner.GetJsonAsync($"/api/teams/{teamId}/members")).EnumerateArray()
            .First(m => m.GetProperty("role").GetString() == "Viewer").GetProperty("userId").GetString();

        await ApiClient.EnsureStatusAsync(await owner.Client.PutAsJsonAsync($"/api/teams/{teamId}/members/{memberId}", new { role = "Editor" }), HttpStatusCode.NoContent);
        Assert.Equal("Editor", (await member.GetJsonAsync($"/api/teams/{teamId}")).GetProperty("role").GetString());

        var created = await owner.Client.PostAsJsonAsync("/api/teams", new { name = "Vision lab" });
        await ApiClient.EnsureStatusAsync(created, HttpStatusCode.Created);
        var team = await created.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Owner", team.GetProperty("role").GetString());
        await ApiClient.AssertProblemAsync(await owner.Client.PostAsJsonAsync("/api/teams", new { name = "  " }), HttpStatusCode.BadRequest);
    }

    private async Task<(ApiUser Owner, ApiUser Member, Guid TeamId)> OwnerAndMemberAsync(string role)
    {
        var owner = await _factory.RegisterWithTokenAsync();
        var teamId = await owner.PersonalTeamIdAsync();
        var code = await InviteAsync(owner, teamId, role);
        var member = await _factory.RegisterWithTokenAsync();
        await ApiClient.EnsureStatusAsync(await member.Client.PostAsJsonAsync("/api/teams/join", new { code }), HttpStatusCode.OK);
        return (owner, member, teamId);
    }

    private static async Task<string> InviteAsync(ApiUser owner, Guid teamId, string role)
    {
        var response = await owner.Client.PostAsJsonAsync($"/api/teams/{teamId}/invites", new { role });
        await ApiClient.EnsureStatusAsync(response, HttpStatusCode.OK);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString()!;
    }

    public void Dispose() => _factory.Dispose();
}
