using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using VaeWorkbench.E2E.Infrastructure;
using VaeWorkbench.Web.Tests.Migrations;

namespace VaeWorkbench.E2E;

/// <summary>
/// The login cookie is protected with data-protection keys kept in the database, so a restarted server (a new
/// process, new in-memory state, another port) still reads the cookies it issued before.
/// </summary>
public sealed partial class LoginSurvivesRestartTests
{
    private const string Email = "restart@example.test";
    private const string Password = "a-long-enough-password";

    [Fact]
    public async Task A_cookie_issued_before_a_restart_still_signs_in_the_api_and_the_pages_after_it()
    {
        await using var first = await AppServer.StartAsync();
        using (var api = await ApiSession.RegisterAsync(first.BaseUrl, Email)) { }
        var cookies = await SignInThroughFormAsync(first.BaseUrl);
        await AssertSignedInAsync(first.BaseUrl, cookies);
        Assert.True((await SqliteSchema.RowCountsAsync(Path.Combine(first.DataDirectory, "vaeworkbench.db")))["DataProtectionKeys"] > 0,
            "the keys are not in the database");

        await first.KillAsync();
        await using var second = await AppServer.StartAsync(existingDataDirectory: first.DataDirectory);

        await AssertSignedInAsync(second.BaseUrl, cookies);
        // A cookie the keys did not sign is refused, so the check above is not trivially true.
        await using var strangerKeys = await AppServer.StartAsync();
        using var other = Browser(strangerKeys.BaseUrl, cookies);
        Assert.Equal(HttpStatusCode.Unauthorized, (await other.GetAsync("/api/me")).StatusCode);
    }

    /// <summary>Signs in through the login form like a browser and returns the Cookie header it would send afterwards.</summary>
    private static async Task<string> SignInThroughFormAsync(string baseUrl)
    {
        var jar = new CookieContainer();
        using var browser = new HttpClient(new HttpClientHandler { CookieContainer = jar, AllowAutoRedirect = false }) { BaseAddress = new Uri(baseUrl) };
        var form = await browser.GetStringAsync("/account/login");
        var token = AntiforgeryField().Match(form).Groups[1].Value;
        var response = await browser.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login", ["__RequestVerificationToken"] = token, ["Input.Email"] = Email, ["Input.Password"] = Password,
        }));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var header = jar.GetCookieHeader(new Uri(baseUrl));
        Assert.Contains("vwb.auth=", header);
        return header;
    }

    private static async Task AssertSignedInAsync(string baseUrl, string cookies)
    {
        using var browser = Browser(baseUrl, cookies);
        var me = await browser.GetAsync("/api/me");
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        Assert.Equal(Email, (await me.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("email").GetString());
        var home = await browser.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, home.StatusCode);
        Assert.Contains($"Welcome, {Email}", await home.Content.ReadAsStringAsync());
    }

    private static HttpClient Browser(string baseUrl, string cookies)
    {
        var client = new HttpClient(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = new Uri(baseUrl) };
        client.DefaultRequestHeaders.Add("Cookie", cookies);
        return client;
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
