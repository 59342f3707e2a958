using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;
using VaeWorkbench.Web.Tests.Infrastructure;

namespace VaeWorkbench.Web.Tests.Security;

/// <summary>Signing out ends the session on the server: a copy of the cookie taken before stops working at once.</summary>
public sealed class SessionEndTests : IDisposable
{
    private readonly WorkbenchFactory _factory = new();

    [Fact]
    public async Task A_cookie_replayed_after_sign_out_gets_401_on_the_api_and_the_sign_in_page_on_pages()
    {
        var user = await _factory.RegisterWithTokenAsync();
        var (browser, copied) = await SignInAsync(user);
        Assert.Equal(HttpStatusCode.OK, (await WithCookie(copied).GetAsync("/api/me")).StatusCode);

        await PostFormAsync(browser, "/account/logout");

        var replayed = WithCookie(copied);
        Assert.Equal(HttpStatusCode.Unauthorized, (await replayed.GetAsync("/api/me")).StatusCode);
        var page = await replayed.GetAsync("/runs");
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.Contains("/account/login", page.Headers.Location!.ToString());
    }

    [Fact]
    public async Task Signing_out_one_browser_leaves_the_others_signed_in()
    {
        var user = await _factory.RegisterWithTokenAsync();
        var (laptop, laptopCookie) = await SignInAsync(user);
        var (phone, _) = await SignInAsync(user);

        await PostFormAsync(laptop, "/account/logout");

        Assert.Equal(HttpStatusCode.Unauthorized, (await WithCookie(laptopCookie).GetAsync("/api/me")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await phone.GetAsync("/api/me")).StatusCode);
    }

    [Fact]
    public async Task Sign_out_everywhere_ends_every_session_of_the_account_but_not_its_tokens_or_other_accounts()
    {
        var user = await _factory.RegisterWithTokenAsync();
        var other = await _factory.RegisterWithTokenAsync();
        var (laptop, _) = await SignInAsync(user);
        var (phone, phoneCookie) = await SignInAsync(user);
        var (otherBrowser, _) = await SignInAsync(other);

        var response = await PostFormAsync(laptop, "/account/logout-everywhere", "/profile");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await WithCookie(phoneCookie).GetAsync("/api/me")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await phone.GetAsync("/api/me")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await user.Client.GetAsync("/api/me")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await otherBrowser.GetAsync("/api/me")).StatusCode);
    }

    [Fact]
    public async Task The_cookie_holds_a_session_key_not_the_ticket()
    {
        var user = await _factory.RegisterWithTokenAsync();
        var (_, cookie) = await SignInAsync(user);
        // A whole protected ticket (claims, stamp) is several hundred characters; a session reference is far shorter.
        Assert.True(cookie.Length < 400, $"the cookie is {cookie.Length} characters");
    }

    private static async Task<HttpResponseMessage> PostFormAsync(HttpClient browser, string url, string page = "/")
    {
        var token = await BrowserForms.AntiforgeryTokenAsync(browser, page);
        return await browser.PostAsync(url, new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }));
    }

    /// <summary>Signs in through the form; returns the browser and the value of the login cookie it was given.</summary>
    private async Task<(HttpClient Browser, string Cookie)> SignInAsync(ApiUser user)
    {
        var browser = _factory.NewBrowser();
        var response = await BrowserForms.PostLoginAsync(browser, user.Email, user.Password);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var cookie = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("vwb.auth=", StringComparison.Ordinal));
        return (browser, cookie["vwb.auth=".Length..cookie.IndexOf(';')]);
    }

    private HttpClient WithCookie(string value)
    {
        var client = _factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        client.DefaultRequestHeaders.Add("Cookie", $"vwb.auth={value}");
        return client;
    }

    public void Dispose() => _factory.Dispose();
}
