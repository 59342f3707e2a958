using System.Net;
using System.Net.Http.Json;
using VaeWorkbench.Web.Hosting;
using VaeWorkbench.Web.Tests.Infrastructure;

namespace VaeWorkbench.Web.Tests.Security;

/// <summary>Every kind of response carries the browser hardening headers: pages, redirects, API JSON, downloads, static files, errors.</summary>
public sealed class SecurityHeadersTests : IDisposable
{
    private readonly WorkbenchFactory _factory = new();

    [Fact]
    public async Task Pages_api_json_downloads_static_files_and_errors_all_carry_the_security_headers()
    {
        var user = await _factory.RegisterWithTokenAsync();
        var uploaded = await user.UploadAsync(DatasetUploads.Form("headers", 28, 1, [("a.png", Imaging.Formats.Png.PngEncoder.Encode(DatasetUploads.Fashion(0).Image))]));
        var datasetId = uploaded.GetProperty("id").GetGuid();
        var browser = await _factory.SignInThroughFormAsync(user);
        var anonymous = _factory.NewBrowser();

        var responses = new (string What, HttpResponseMessage Response, HttpStatusCode Expected)[]
        {
            ("a signed-in page", await browser.GetAsync("/datasets"), HttpStatusCode.OK),
            ("the sign-in page", await anonymous.GetAsync("/account/login"), HttpStatusCode.OK),
            ("a redirect to sign in", await anonymous.GetAsync("/runs"), HttpStatusCode.Redirect),
            ("API JSON", await user.Client.GetAsync("/api/me"), HttpStatusCode.OK),
            ("a file download", await user.Client.GetAsync($"/api/datasets/{datasetId}/images/0.png"), HttpStatusCode.OK),
            ("a static file", await anonymous.GetAsync("/css/app.css"), HttpStatusCode.OK),
            ("the Blazor script", await anonymous.GetAsync("/_framework/blazor.web.js"), HttpStatusCode.OK),
            ("an API 404", await user.Client.GetAsync($"/api/datasets/{Guid.NewGuid()}"), HttpStatusCode.NotFound),
            ("an API 401", await anonymous.GetAsync("/api/me"), HttpStatusCode.Unauthorized),
            ("a forged write's 400", await browser.PostAsJsonAsync("/api/teams", new { name = "x" }), HttpStatusCode.BadRequest),
            ("an unknown path", await anonymous.GetAsync("/no/such/path"), HttpStatusCode.NotFound),
            ("the health probe", await anonymous.GetAsync("/healthz"), HttpStatusCode.OK),
        };

        foreach (var (what, response, expected) in responses)
        {
            Assert.True(response.StatusCode == expected, $"{what}: expected {(int)expected}, got {(int)response.StatusCode}");
            foreach (var (name, value) in SecurityHeaders.Values)
            {
                var sent = response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : null;
                Assert.True(sent == value, $"{what}: header {name} is '{sent}', expected '{value}'");
            }
        }
    }

    [Fact]
    public void The_policy_forbids_framing_inline_scripts_and_eval()
    {
        var csp = SecurityHeaders.ContentSecurityPolicy.Split(';', StringSplitOptions.TrimEntries).ToDictionary(d => d.Split(' ')[0], d => d);
        Assert.Equal("frame-ancestors 'none'", csp["frame-ancestors"]);
        Assert.Equal("script-src 'self'", csp["script-src"]);
        Assert.Equal("object-src 'none'", csp["object-src"]);
        Assert.Equal("DENY", SecurityHeaders.Values["X-Frame-Options"]);
        Assert.Equal("nosniff", SecurityHeaders.Values["X-Content-Type-Options"]);
    }

    public void Dispose() => _factory.Dispose();
}
