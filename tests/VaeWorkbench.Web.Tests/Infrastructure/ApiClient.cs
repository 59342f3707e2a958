using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace VaeWorkbench.Web.Tests.Infrastructure;

/// <summary>A registered user talking to the API with a bearer token.</summary>
public sealed record ApiUser(string Email, string Password, string Token, HttpClient Client)
{
    public async Task<JsonElement> GetJsonAsync(string url)
    {
        var response = await Client.GetAsync(url);
        await ApiClient.EnsureStatusAsync(response, HttpStatusCode.OK);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public async Task<Guid> PersonalTeamIdAsync()
    {
        var me = await GetJsonAsync("/api/me");
        return me.GetProperty("teams").EnumerateArray().Select(t => t.GetProperty("id").GetGuid()).First();
    }
}

public static class ApiClient
{
    public static async Task<ApiUser> RegisterWithTokenAsync(this Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Program> factory, string? email = null, string? inviteCode = null)
    {
        email ??= $"user-{Guid.NewGuid():N}@example.test";
        const string password = "correct-horse-battery";
        var anonymous = factory.CreateClient();
        var register = await anonymous.PostAsJsonAsync("/api/auth/register", new { email, password, inviteCode });
        await EnsureStatusAsync(register, HttpStatusCode.Created);
        var tokenResponse = await anonymous.PostAsJsonAsync("/api/auth/token", new { email, password, name = "tests" });
        await EnsureStatusAsync(tokenResponse, HttpStatusCode.OK);
        var token = (await tokenResponse.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return new ApiUser(email, password, token, client);
    }

    /// <summary>Asserts a status code and shows the response body when it differs, so failures explain themselves.</summary>
    public static async Task EnsureStatusAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        if (response.StatusCode != expected)
            Assert.Fail($"Expected {(int)expected} {expected} but got {(int)response.StatusCode} {response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>Asserts a ProblemDetails error with the status and a non-empty detail.</summary>
    public static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        await EnsureStatusAsync(response, expected);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((int)expected, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()));
        return problem;
    }
}
