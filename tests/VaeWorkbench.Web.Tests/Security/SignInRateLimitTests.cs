using Microsoft.Extensions.Configuration;
using System.Net;
using System.Net.Http.Json;
using VaeWorkbench.Web.Tests.Infrastructure;

namespace VaeWorkbench.Web.Tests.Security;

/// <summary>
/// Sign-in attempts are limited per client IP and per account (Auth:RateLimit); the login form and the token endpoint
/// share the counts, and a refusal is a 429 ProblemDetails with Retry-After. Each test sets its own small limits.
/// </summary>
public sealed class SignInRateLimitTests
{
    [Fact]
    public async Task One_account_gets_429_after_its_permits_on_the_token_endpoint_and_the_form_alike_while_other_accounts_go_on()
    {
        using var factory = new WorkbenchFactory(new() { ["Auth:RateLimit:PermitsPerAccount"] = "4", ["Auth:RateLimit:PermitsPerIp"] = "1000" });
        var target = await factory.RegisterWithTokenAsync(); // registration and one token request: two for the target account
        var other = await factory.RegisterWithTokenAsync();
        var anonymous = factory.CreateClient();

        var second = await anonymous.PostAsJsonAsync("/api/auth/token", new { email = target.Email, password = "wrong-password", name = "x" });
        await ApiClient.AssertProblemAsync(second, HttpStatusCode.Unauthorized);
        // The third attempt goes through the form, spelled in other case: the same account, so the same count.
        var third = await BrowserForms.PostLoginAsync(factory.NewBrowser(), target.Email.ToUpperInvariant(), "wrong-password");
        Assert.Equal(HttpStatusCode.OK, third.StatusCode);

        var fourth = await anonymous.PostAsJsonAsync("/api/auth/token", new { email = target.Email, password = target.Password, name = "x" });
        await AssertTooManyAsync(fourth);
        var byForm = await BrowserForms.PostLoginAsync(factory.NewBrowser(), target.Email, target.Password);
        await AssertTooManyAsync(byForm);

        var otherAccount = await anonymous.PostAsJsonAsync("/api/auth/token", new { email = other.Email, password = other.Password, name = "x" });
        await ApiClient.EnsureStatusAsync(otherAccount, HttpStatusCode.OK);
    }

    [Fact]
    public async Task One_address_gets_429_after_its_permits_whatever_accounts_it_names_and_page_views_do_not_count()
    {
        using var factory = new WorkbenchFactory(new() { ["Auth:RateLimit:PermitsPerIp"] = "4", ["Auth:RateLimit:PermitsPerAccount"] = "1000" });
        var browser = factory.NewBrowser();
        for (var attempt = 1; attempt <= 4; attempt++)
        {
            // Each post also loads the sign-in page for its token: GETs are not attempts.
            var response = await BrowserForms.PostLoginAsync(browser, $"nobody-{attempt}@example.test", "wrong-password");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        await AssertTooManyAsync(await BrowserForms.PostLoginAsync(browser, "nobody-5@example.test", "wrong-password"));
        var token = await factory.CreateClient().PostAsJsonAsync("/api/auth/token", new { email = "nobody-6@example.test", password = "x", name = "x" });
        await AssertTooManyAsync(token);
        // Registration shares the budget (its "already registered" answer would otherwise probe addresses faster);
        // other endpoints are not limited.
        await AssertTooManyAsync(await factory.CreateClient().PostAsJsonAsync("/api/auth/register", new { email = "new@example.test", password = "a-long-enough-password" }));
        Assert.Equal(HttpStatusCode.Unauthorized, (await factory.CreateClient().GetAsync("/api/me")).StatusCode);
    }

    [Fact]
    public void The_default_limits_are_in_appsettings_and_allow_the_lockout_to_happen_first()
    {
        // The shipped file itself: test factories raise the per-address limit (see WorkbenchFactory).
        var shipped = new Microsoft.Extensions.Configuration.ConfigurationBuilder()
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json")).Build();
        var options = shipped.GetSection(Options.SignInRateLimitOptions.SectionName).Get<Options.SignInRateLimitOptions>()!;
        var auth = shipped.GetSection(Options.AuthOptions.SectionName).Get<Options.AuthOptions>()!;
        Assert.Equal((30, 10, 60), (options.PermitsPerIp, options.PermitsPerAccount, options.WindowSeconds));
        // Lockout answers the (MaxFailedAccessAttempts + 1)th attempt; the account limit must not hide it.
        Assert.True(options.PermitsPerAccount > auth.MaxFailedAccessAttempts + 1);
    }

    private static async Task AssertTooManyAsync(HttpResponseMessage response)
    {
        var problem = await ApiClient.AssertProblemAsync(response, HttpStatusCode.TooManyRequests);
        Assert.Contains("Too many sign-in attempts", problem.GetProperty("detail").GetString());
        var retryAfter = Assert.Single(response.Headers.GetValues("Retry-After"));
        Assert.InRange(int.Parse(retryAfter, System.Globalization.CultureInfo.InvariantCulture), 1, 60);
    }
}
