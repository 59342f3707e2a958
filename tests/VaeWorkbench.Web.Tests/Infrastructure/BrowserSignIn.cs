using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;

namespace VaeWorkbench.Web.Tests.Infrastructure;

/// <summary>The browser path: the login form posted like a browser does, leaving the auth cookie in the client.</summary>
public static partial class BrowserSignIn
{
    public static async Task<HttpClient> SignInThroughFormAsync(this WorkbenchFactory factory, ApiUser user)
    {
        var browser = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var response = await PostLoginAsync(browser, user.Email, user.Password);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return browser;
    }

    public static async Task<HttpResponseMessage> PostLoginAsync(HttpClient browser, string email, string password)
    {
        var form = await browser.GetStringAsync("/account/login");
        var token = AntiforgeryField().Match(form).Groups[1].Value;
        return await browser.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login",
            ["__RequestVerificationToken"] = token,
            ["Input.Email"] = email,
            ["Input.Password"] = password,
        }));
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    public static partial Regex AntiforgeryField();
}
