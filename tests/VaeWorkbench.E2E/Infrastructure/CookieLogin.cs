using System.Net;
using System.Text.RegularExpressions;

namespace VaeWorkbench.E2E.Infrastructure;

/// <summary>The login form posted over plain HTTP, for load tests that browse as a signed-in user without a browser.</summary>
public static partial class CookieLogin
{
    /// <summary>Signs in once and returns the cookies; any number of HTTP clients can share them, as tabs share a browser's.</summary>
    public static async Task<CookieContainer> SignInAsync(string baseUrl, string email, string password = "a-long-enough-password")
    {
        var cookies = new CookieContainer();
        using var client = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = new Uri(baseUrl) };
        var form = await client.GetStringAsync("/account/login");
        var token = AntiforgeryField().Match(form).Groups[1].Value;
        var response = await client.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login", ["__RequestVerificationToken"] = token, ["Input.Email"] = email, ["Input.Password"] = password,
        }));
        if (response.StatusCode != HttpStatusCode.Redirect)
            throw new InvalidOperationException($"Signing in as {email} answered {(int)response.StatusCode}, not a redirect");
        return cookies;
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
