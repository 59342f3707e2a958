using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using VaeWorkbench.Web.Tests.Infrastructure;

namespace VaeWorkbench.Web.Tests;

public sealed class AuthApiTests : IDisposable
{
    private readonly WorkbenchFactory _factory = new();

    [Fact]
    public async Task Register_then_token_then_me_shows_the_personal_team_as_owner()
    {
        var user = await _factory.RegisterWithTokenAsync("alice@example.test");

        var me = await user.GetJsonAsync("/api/me");

        Assert.Equal("alice@example.test", me.GetProperty("email").GetString());
        var team = Assert.Single(me.GetProperty("teams").EnumerateArray());
        Assert.Equal("Owner", team.GetProperty("role").GetString());
        Assert.Equal(team.GetProperty("id").GetGuid(), me.GetProperty("currentTeamId").GetGuid());
        Assert.StartsWith("vwb_", user.Token);
    }

    [Fact]
    public async Task Registering_the_same_email_twice_is_a_clear_400()
    {
        await _factory.RegisterWithTokenAsync("bob@example.test");
        var response = await _factory.CreateClient().PostAsJsonAsync("/api/auth/register", new { email = "BOB@example.test", password = "another-password" });
        var problem = await ApiClient.AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains("bob@example.test", problem.GetProperty("detail").GetString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_short_password_is_rejected_with_the_rule()
    {
        var response = await _factory.CreateClient().PostAsJsonAsync("/api/auth/register", new { email = "c@example.test", password = "short" });
        var problem = await ApiClient.AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains("8", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task The_sixth_wrong_password_finds_the_account_locked_even_for_the_right_password()
    {
        var user = await _factory.RegisterWithTokenAsync();
        var anonymous = _factory.CreateClient();

        for (var attempt = 1; attempt <= 5; attempt++)
        {
            var wrong = await anonymous.PostAsJsonAsync("/api/auth/token", new { email = user.Email, password = "wrong-password", name = "x" });
            await ApiClient.AssertProblemAsync(wrong, HttpStatusCode.Unauthorized);
        }

        var sixth = await anonymous.PostAsJsonAsync("/api/auth/token", new { email = user.Email, password = "wrong-password", name = "x" });
        var problem = await ApiClient.AssertProblemAsync(sixth, HttpStatusCode.Forbidden);
        Assert.Contains("locked", problem.GetProperty("detail").GetString());

        var right = await anonymous.PostAsJsonAsync("/api/auth/token", new { email = user.Email, password = user.Password, name = "x" });
        await ApiClient.AssertProblemAsync(right, HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_revoked_token_gets_401_while_other_tokens_keep_working()
    {
        var user = await _factory.RegisterWithTokenAsync();
        var created = await user.Client.PostAsJsonAsync("/api/tokens", new { name = "ci" });
        await ApiClient.EnsureStatusAsync(created, HttpStatusCode.Created);
        var body = await created.Content.ReadFromJsonAsync<JsonElement>();
        var secondToken = body.GetProperty("token").GetString()!;
        var secondId = body.GetProperty("summary").GetProperty("id").GetGuid();

        var second = _factory.CreateClient();
        second.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secondToken);
        await ApiClient.EnsureStatusAsync(await second.GetAsync("/api/me"), HttpStatusCode.OK);

        await ApiClient.EnsureStatusAsync(await user.Client.DeleteAsync($"/api/tokens/{secondId}"), HttpStatusCode.NoContent);

        await ApiClient.AssertProblemAsync(await second.GetAsync("/api/me"), HttpStatusCode.Unauthorized);
        await ApiClient.EnsureStatusAsync(await user.Client.GetAsync("/api/me"), HttpStatusCode.OK);
    }

    [Fact]
    public async Task Tokens_are_stored_only_as_hashes_and_listed_without_the_secret()
    {
        var user = await _factory.RegisterWithTokenAsync();
        var list = await user.Client.GetStringAsync("/api/tokens");
        Assert.DoesNotContain(user.Token, list);
        Assert.Contains(user.Token[..10], list);

        using var scope = _factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<VaeWorkbench.Web.Data.AppDbContext>();
        Assert.DoesNotContain(db.ApiTokens, t => t.TokenHash.Contains(user.Token));
        Assert.Contains(db.ApiTokens, t => t.TokenHash == VaeWorkbench.Web.Teams.SecretCodes.Hash(user.Token));
    }

    [Fact]
    public async Task Another_users_token_id_cannot_be_revoked_and_reads_as_404()
    {
        var alice = await _factory.RegisterWithTokenAsync();
        var bob = await _factory.RegisterWithTokenAsync();
        var aliceTokens = await alice.GetJsonAsync("/api/tokens");
        var aliceTokenId = aliceTokens.EnumerateArray().First().GetProperty("id").GetGuid();

        await ApiClient.AssertProblemAsync(await bob.Client.DeleteAsync($"/api/tokens/{aliceTokenId}"), HttpStatusCode.NotFound);
        await ApiClient.EnsureStatusAsync(await alice.Client.GetAsync("/api/me"), HttpStatusCode.OK);
    }

    [Fact]
    public async Task The_api_answers_401_problem_without_credentials_instead_of_redirecting()
    {
        var response = await _factory.CreateClient(new() { AllowAutoRedirect = false }).GetAsync("/api/me");
        await ApiClient.AssertProblemAsync(response, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Pages_redirect_to_the_login_page_without_a_session()
    {
        var response = await _factory.CreateClient(new() { AllowAutoRedirect = false }).GetAsync("/team");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/account/login", response.Headers.Location!.PathAndQuery);
    }

    public void Dispose() => _factory.Dispose();
}
