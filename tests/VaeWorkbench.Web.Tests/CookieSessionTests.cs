using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using VaeWorkbench.Web.Tests.Infrastructure;

namespace VaeWorkbench.Web.Tests;

/// <summary>The browser path: sign in through the login form, then use the API with the cookie.</summary>
public sealed class CookieSessionTests : IDisposable
{
    private readonly WorkbenchFactory _factory = new();

    [Fact]
    public async Task The_login_form_sets_a_cookie_that_the_api_accepts()
    {
        var user = await _factory.RegisterWithTokenAsync();
        var browser = await SignInThroughFormAsync(user);
        var me = await browser.GetAsync("/api/me");
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
    }

    [Fact]
    public async Task A_cookie_authenticated_write_without_an_antiforgery_token_gets_400_and_with_one_succeeds()
    {
        var user = await _factory.RegisterWithTokenAsync();
        var browser = await SignInThroughFormAsync(user);

        var forged = await browser.PostAsJsonAsync("/api/teams", new { name = "forged" });
        await ApiClient.AssertProblemAsync(forged, HttpStatusCode.BadRequest);

        var token = BrowserSignIn.AntiforgeryField().Match(await browser.GetStringAsync("/")).Groups[1].Value;
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/teams") { Content = JsonContent.Create(new { name = "real" }) };
        request.Headers.Add("X-CSRF-TOKEN", token);
        await ApiClient.EnsureStatusAsync(await browser.SendAsync(request), HttpStatusCode.Created);

        var teams = await user.GetJsonAsync("/api/teams");
        Assert.DoesNotContain(teams.EnumerateArray(), t => t.GetProperty("name").GetString() == "forged");
        Assert.Contains(teams.EnumerateArray(), t => t.GetProperty("name").GetString() == "real");
    }

    [Fact]
    public async Task A_wrong_password_on_the_form_shows_an_error_and_sets_no_cookie()
    {
        var user = await _factory.RegisterWithTokenAsync();
        var browser = _factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var response = await PostLoginAsync(browser, user.Email, "not-the-password");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("The e-mail or password is wrong.", await response.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("/api/me")).StatusCode);
    }

    private Task<HttpClient> SignInThroughFormAsync(ApiUser user) => _factory.SignInThroughFormAsync(user);

    private static Task<HttpResponseMessage> PostLoginAsync(HttpClient browser, string email, string password) =>
        BrowserSignIn.PostLoginAsync(browser, email, password);

    public void Dispose() => _factory.Dispose();
}
