using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;

namespace VaeWorkbench.Web.Tests.Infrastructure;

/// <summary>A browser without JavaScript: a cookie jar, the server-rendered forms and their antiforgery field.</summary>
public static partial class BrowserForms
{
    public static HttpClient NewBrowser(this WorkbenchFactory factory) =>
        factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    /// <summary>The antiforgery token a page renders into its forms.</summary>
    public static async Task<string> AntiforgeryTokenAsync(HttpClient browser, string url = "/account/login") =>
        AntiforgeryField().Match(await browser.GetStringAsync(url)).Groups[1].Value is { Length: > 0 } token
            ? token
            : throw new InvalidOperationException($"{url} rendered no antiforgery field");

    /// <summary>Posts the sign-in form; with <paramref name="withAntiforgery"/> false the token is left out, as a forged post would.</summary>
    public static async Task<HttpResponseMessage> PostLoginAsync(HttpClient browser, string email, string password, bool withAntiforgery = true)
    {
        var fields = new Dictionary<string, string> { ["_handler"] = "login", ["Input.Email"] = email, ["Input.Password"] = password };
        if (withAntiforgery) fields["__RequestVerificationToken"] = await AntiforgeryTokenAsync(browser);
        return await browser.PostAsync("/account/login", new FormUrlEncodedContent(fields));
    }

    public static async Task<HttpClient> SignInThroughFormAsync(this WorkbenchFactory factory, ApiUser user)
    {
        var browser = factory.NewBrowser();
        var response = await PostLoginAsync(browser, user.Email, user.Password);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return browser;
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
