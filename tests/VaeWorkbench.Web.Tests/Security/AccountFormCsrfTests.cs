using System.Net;
using System.Net.Http.Json;
using VaeWorkbench.Web.Tests.Infrastructure;

namespace VaeWorkbench.Web.Tests.Security;

/// <summary>
/// The account forms (sign-in, registration, sign-out) are cookie-world posts another site could forge; each one without
/// its antiforgery token gets 400 and changes nothing. The API's cookie writes are covered in <see cref="CookieSessionTests"/>.
/// </summary>
public sealed class AccountFormCsrfTests : IDisposable
{
    private readonly WorkbenchFactory _factory = new();

    [Fact]
    public async Task A_sign_in_post_without_the_token_gets_400_and_sets_no_cookie()
    {
        var user = await _factory.RegisterWithTokenAsync();
        var browser = _factory.NewBrowser();

        var forged = await BrowserForms.PostLoginAsync(browser, user.Email, user.Password, withAntiforgery: false);

        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("/api/me")).StatusCode);
    }

    [Fact]
    public async Task A_registration_post_without_the_token_gets_400_and_creates_no_user()
    {
        var browser = _factory.NewBrowser();
        const string email = "forged-registration@example.test";
        var forged = await browser.PostAsync("/account/register", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "register", ["Input.Email"] = email, ["Input.Password"] = "a-long-enough-password",
            ["Input.ConfirmPassword"] = "a-long-enough-password",
        }));

        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        // The address is still free: registering it for real succeeds.
        var real = await _factory.CreateClient().PostAsJsonAsync("/api/auth/register", new { email, password = "a-long-enough-password" });
        await ApiClient.EnsureStatusAsync(real, HttpStatusCode.Created);
    }

    [Fact]
    public async Task A_sign_out_post_without_the_token_gets_400_and_the_session_stays_while_with_it_the_session_ends()
    {
        var user = await _factory.RegisterWithTokenAsync();
        var browser = await _factory.SignInThroughFormAsync(user);

        var forged = await browser.PostAsync("/account/logout", new FormUrlEncodedContent(new Dictionary<string, string> { ["returnUrl"] = "/" }));
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/api/me")).StatusCode);

        var token = await BrowserForms.AntiforgeryTokenAsync(browser, "/");
        var real = await browser.PostAsync("/account/logout", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["returnUrl"] = "/", ["__RequestVerificationToken"] = token,
        }));
        Assert.Equal(HttpStatusCode.Redirect, real.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("/api/me")).StatusCode);
    }

    public void Dispose() => _factory.Dispose();
}
