using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using VaeWorkbench.Web.Tests.Infrastructure;

namespace VaeWorkbench.Web.Tests.Security;

/// <summary>Behind a TLS proxy (X-Forwarded-Proto: https from a trusted network): Secure cookies, https redirects, HSTS.</summary>
public sealed class ReverseProxyTests : IDisposable
{
    private const string PublicHost = "workbench.example.com";
    private readonly List<WorkbenchFactory> _factories = [];

    [Fact]
    public async Task From_a_trusted_proxy_https_gives_secure_cookies_https_redirects_and_hsts()
    {
        var factory = Factory(enabled: true, proxyAddress: "127.0.0.1");
        var user = await factory.RegisterWithTokenAsync();
        var browser = factory.NewBrowser();

        var login = await Send(browser, HttpMethod.Post, "/account/login", await LoginForm(browser, user));
        var authCookie = login.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("vwb.auth=", StringComparison.Ordinal));
        Assert.Contains("secure", authCookie, StringComparison.OrdinalIgnoreCase);
        Assert.StartsWith("max-age=", login.Headers.GetValues("Strict-Transport-Security").Single());

        var redirect = await Send(factory.NewBrowser(), HttpMethod.Get, "/runs");
        Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
        Assert.StartsWith($"https://{PublicHost}/account/login", redirect.Headers.Location!.ToString());
    }

    [Theory]
    [InlineData(false, "127.0.0.1")]
    [InlineData(true, "203.0.113.9")]
    public async Task The_header_is_ignored_when_forwarding_is_off_or_the_sender_is_not_a_known_proxy(bool enabled, string sender)
    {
        var factory = Factory(enabled, sender);
        var user = await factory.RegisterWithTokenAsync();
        var browser = factory.NewBrowser();

        var login = await Send(browser, HttpMethod.Post, "/account/login", await LoginForm(browser, user));
        var authCookie = login.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("vwb.auth=", StringComparison.Ordinal));
        Assert.DoesNotContain("secure", authCookie, StringComparison.OrdinalIgnoreCase);
        Assert.False(login.Headers.Contains("Strict-Transport-Security"));
        var redirect = await Send(factory.NewBrowser(), HttpMethod.Get, "/runs");
        Assert.StartsWith($"http://{PublicHost}/account/login", redirect.Headers.Location!.ToString());
    }

    private static async Task<FormUrlEncodedContent> LoginForm(HttpClient browser, ApiUser user) => new(new Dictionary<string, string>
    {
        ["_handler"] = "login", ["Input.Email"] = user.Email, ["Input.Password"] = user.Password,
        ["__RequestVerificationToken"] = await BrowserForms.AntiforgeryTokenAsync(browser),
    });

    private static Task<HttpResponseMessage> Send(HttpClient browser, HttpMethod method, string url, HttpContent? content = null)
    {
        var request = new HttpRequestMessage(method, url) { Content = content };
        request.Headers.Host = PublicHost;
        request.Headers.Add("X-Forwarded-Proto", "https");
        request.Headers.Add("X-Forwarded-For", "198.51.100.7");
        return browser.SendAsync(request);
    }

    /// <summary>The in-memory test server has no client address: give every request the proxy's.</summary>
    private WorkbenchFactory Factory(bool enabled, string proxyAddress)
    {
        var factory = new WorkbenchFactory(new()
        {
            ["ForwardedHeaders:Enabled"] = enabled ? "true" : "false",
            ["ForwardedHeaders:KnownNetworks:0"] = "127.0.0.0/8",
        }, startupFilter: new RemoteAddress(IPAddress.Parse(proxyAddress)));
        _factories.Add(factory);
        return factory;
    }

    private sealed class RemoteAddress(IPAddress address) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                context.Connection.RemoteIpAddress = address;
                return nextMiddleware(context);
            });
            next(app);
        };
    }

    public void Dispose()
    {
        foreach (var factory in _factories) factory.Dispose();
    }
}
