using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;
using VaeWorkbench.Web.Tests.Infrastructure;

namespace VaeWorkbench.Web.Tests.Security;

/// <summary>Every error under /api is ProblemDetails that names what was wrong; no /api response may be cached.</summary>
public sealed class ApiContractTests : IDisposable
{
    private readonly CapturedLog _log = new();
    private readonly WorkbenchFactory _root = new();
    private readonly Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Program> _factory;

    public ApiContractTests() => _factory = _root.WithWebHostBuilder(b => b.ConfigureLogging(l => l.AddProvider(_log)));

    [Fact]
    public async Task Malformed_json_names_the_position()
    {
        var user = await _factory.RegisterWithTokenAsync();
        var problem = await ApiClient.AssertProblemAsync(await PostRawAsync(user, "/api/runs", "{\"epochs\": 3,,}"), HttpStatusCode.BadRequest);
        Assert.StartsWith("The request body is not valid JSON at $", problem.GetProperty("detail").GetString());
        Assert.Contains("(line 1, byte", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_wrong_type_names_the_field_and_what_was_expected()
    {
        var user = await _factory.RegisterWithTokenAsync();
        var body = $"{{\"datasetId\": \"{Guid.NewGuid()}\", \"epochs\": \"ten\"}}";
        var problem = await ApiClient.AssertProblemAsync(await PostRawAsync(user, "/api/runs", body), HttpStatusCode.BadRequest);
        Assert.Equal("$.epochs: expected a number.", problem.GetProperty("detail").GetString());
        Assert.Equal("expected a number", problem.GetProperty("errors").GetProperty("epochs")[0].GetString());
    }

    [Fact]
    public async Task An_unknown_enum_value_lists_the_allowed_values()
    {
        var user = await _factory.RegisterWithTokenAsync();
        var team = await user.PersonalTeamIdAsync();
        var problem = await ApiClient.AssertProblemAsync(await PostRawAsync(user, $"/api/teams/{team}/invites", "{\"role\": \"Boss\"}"), HttpStatusCode.BadRequest);
        Assert.Equal("$.role: expected one of Viewer, Editor, Owner.", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_missing_required_field_is_named_instead_of_defaulting()
    {
        var user = await _factory.RegisterWithTokenAsync();
        var problem = await ApiClient.AssertProblemAsync(await PostRawAsync(user, "/api/runs", "{}"), HttpStatusCode.BadRequest);
        Assert.Equal("The request is missing required field: datasetId.", problem.GetProperty("detail").GetString());
        Assert.Equal("required", problem.GetProperty("errors").GetProperty("datasetId")[0].GetString());
    }

    [Fact]
    public async Task Unknown_routes_wrong_methods_and_wrong_content_types_are_problem_details()
    {
        var user = await _factory.RegisterWithTokenAsync();

        var unknown = await ApiClient.AssertProblemAsync(await user.Client.GetAsync("/api/no-such-thing"), HttpStatusCode.NotFound);
        Assert.Equal("No API endpoint matches /api/no-such-thing.", unknown.GetProperty("detail").GetString());

        var method = await ApiClient.AssertProblemAsync(await user.Client.DeleteAsync("/api/me"), HttpStatusCode.MethodNotAllowed);
        Assert.StartsWith("DELETE is not allowed on /api/me; allowed: GET", method.GetProperty("detail").GetString());

        var text = await user.Client.PostAsync("/api/runs", new StringContent("datasetId=1", Encoding.UTF8, "text/plain"));
        var mediaType = await ApiClient.AssertProblemAsync(text, HttpStatusCode.UnsupportedMediaType);
        Assert.Contains("text/plain", mediaType.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Client_errors_are_logged_at_information_without_a_stack_trace()
    {
        var user = await _factory.RegisterWithTokenAsync();
        await PostRawAsync(user, "/api/runs", "{");
        await PostRawAsync(user, "/api/runs", "{}");
        await user.Client.GetAsync($"/api/datasets/{Guid.NewGuid()}");

        var lines = _log.Lines;
        Assert.Contains(lines, l => l.StartsWith("Information VaeWorkbench.Web.Api.ApiProblemHandler: Refused POST /api/runs: 400", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("Refused GET /api/datasets/", StringComparison.Ordinal) && l.Contains(": 404", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.StartsWith("Error", StringComparison.Ordinal) || l.StartsWith("Warning VaeWorkbench", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains("   at ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Token_responses_and_api_json_are_never_cached()
    {
        var anonymous = _factory.CreateClient();
        await anonymous.PostAsJsonAsync("/api/auth/register", new { email = "cache@example.test", password = "correct-horse-battery" });
        var token = await anonymous.PostAsJsonAsync("/api/auth/token", new { email = "cache@example.test", password = "correct-horse-battery", name = "t" });
        Assert.Equal("no-store", token.Headers.CacheControl?.ToString());

        var user = await _factory.RegisterWithTokenAsync();
        var created = await user.Client.PostAsJsonAsync("/api/tokens", new { name = "second" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("no-store", created.Headers.CacheControl?.ToString());
        Assert.Equal("no-store", (await user.Client.GetAsync("/api/me")).Headers.CacheControl?.ToString());
        Assert.Equal("no-store", (await user.Client.GetAsync("/api/nothing-here")).Headers.CacheControl?.ToString());
    }

    private static Task<HttpResponseMessage> PostRawAsync(ApiUser user, string url, string json) =>
        user.Client.PostAsync(url, new StringContent(json, Encoding.UTF8, "application/json"));

    public void Dispose()
    {
        _factory.Dispose();
        _root.Dispose();
    }
}
