using System.Net;
using System.Text.RegularExpressions;
using VaeWorkbench.Web.Tests.Infrastructure;

namespace VaeWorkbench.Web.Tests.OpenApi;

/// <summary>
/// The Scalar reference page at /api/docs/: served with the app's own script bundle, and its inline start-up script
/// allowed by a per-response nonce, not by relaxing the Content-Security-Policy for every page.
/// </summary>
public sealed partial class ApiReferencePageTests : IDisposable
{
    private readonly WorkbenchFactory _factory = new();

    [Fact]
    public async Task The_reference_page_loads_the_document_with_bundled_scripts_allowed_by_a_nonce()
    {
        var client = _factory.CreateClient();
        var response = await client.GetAsync("/api/docs/");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("VaeWorkbench API", html);
        Assert.Contains("openapi/v1.json", html);

        var policy = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
        var nonce = Assert.Single(NonceInPolicy().Matches(policy)).Groups[1].Value;
        var scripts = ScriptTag().Matches(html).Select(m => m.Value).ToList();
        Assert.NotEmpty(scripts);
        Assert.All(scripts, tag => Assert.Contains($"nonce=\"{nonce}\"", tag));
        Assert.All(ScriptSource().Matches(html).Select(m => m.Groups[1].Value), source => Assert.DoesNotContain("://", source));
        Assert.DoesNotContain("'unsafe-eval'", policy);

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/docs/scalar.js")).StatusCode);
        var again = await client.GetAsync("/api/docs/");
        Assert.DoesNotContain(nonce, string.Join(";", again.Headers.GetValues("Content-Security-Policy")));
    }

    [Fact]
    public async Task Other_pages_keep_the_policy_without_a_nonce()
    {
        var response = await _factory.CreateClient().GetAsync("/account/login");
        var policy = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
        Assert.DoesNotContain("nonce-", policy);
        Assert.Contains("script-src 'self';", policy);
    }

    [GeneratedRegex("script-src 'self' 'nonce-([^']+)';")]
    private static partial Regex NonceInPolicy();

    [GeneratedRegex("<script[^>]*>")]
    private static partial Regex ScriptTag();

    [GeneratedRegex("<script[^>]*src=\"([^\"]+)\"")]
    private static partial Regex ScriptSource();

    public void Dispose() => _factory.Dispose();
}
