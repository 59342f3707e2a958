using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using VaeWorkbench.Web.Tests.Infrastructure;

namespace VaeWorkbench.Web.Tests.Security;

/// <summary>
/// Sign-in answers an address with no account exactly as it answers a real account given a wrong password: status,
/// body and lockout. (Timing is measured in bench/security/signin_timing.sh, not asserted here.)
/// </summary>
public sealed class AccountEnumerationTests : IDisposable
{
    private readonly WorkbenchFactory _factory = new(new() { ["Auth:RateLimit:PermitsPerAccount"] = "1000" });

    [Fact]
    public async Task Unknown_and_known_addresses_get_the_same_answers_attempt_by_attempt_through_lockout()
    {
        var known = await _factory.RegisterWithTokenAsync();
        const string unknown = "nobody-here@example.test";
        var anonymous = _factory.CreateClient();

        // Five failures lock; the sixth attempt, even with the right password, is answered "locked" for both.
        for (var attempt = 1; attempt <= 6; attempt++)
        {
            var forKnown = await TokenAsync(anonymous, known.Email, attempt == 6 ? known.Password : "wrong-password-1");
            var forUnknown = await TokenAsync(anonymous, unknown, "wrong-password-1");
            Assert.Equal(forKnown, forUnknown);
            Assert.Equal(attempt < 6 ? HttpStatusCode.Unauthorized : HttpStatusCode.Forbidden, forKnown.Status);
        }
    }

    [Fact]
    public async Task The_sign_in_page_says_the_same_for_unknown_and_known_addresses_and_locks_both()
    {
        var known = await _factory.RegisterWithTokenAsync();
        foreach (var email in new[] { known.Email, "ghost@example.test" })
        {
            var browser = _factory.NewBrowser();
            for (var attempt = 1; attempt <= 5; attempt++)
                Assert.Contains("The e-mail or password is wrong.", await (await BrowserForms.PostLoginAsync(browser, email, "wrong-password-1")).Content.ReadAsStringAsync());
            Assert.Contains("This account is locked", await (await BrowserForms.PostLoginAsync(browser, email, "wrong-password-1")).Content.ReadAsStringAsync());
        }
    }

    [Fact]
    public async Task Registration_is_rate_limited_like_sign_in()
    {
        using var factory = new WorkbenchFactory(new() { ["Auth:RateLimit:PermitsPerAccount"] = "3" });
        var anonymous = factory.CreateClient();
        var answers = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
            answers.Add((await anonymous.PostAsJsonAsync("/api/auth/register", new { email = "taken@example.test", password = "correct-horse-battery" })).StatusCode);
        Assert.Equal([HttpStatusCode.Created, HttpStatusCode.BadRequest, HttpStatusCode.BadRequest, HttpStatusCode.TooManyRequests], answers);
    }

    private static async Task<(HttpStatusCode Status, string? Title, string? Detail, string Keys)> TokenAsync(HttpClient client, string email, string password)
    {
        var response = await client.PostAsJsonAsync("/api/auth/token", new { email, password, name = "probe" });
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var keys = string.Join(",", body.EnumerateObject().Select(p => p.Name).Where(n => n != "traceId").Order());
        return (response.StatusCode, body.GetProperty("title").GetString(), body.GetProperty("detail").GetString(), keys);
    }

    public void Dispose() => _factory.Dispose();
}
