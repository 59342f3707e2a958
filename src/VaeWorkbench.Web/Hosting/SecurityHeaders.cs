using Scalar.AspNetCore;

namespace VaeWorkbench.Web.Hosting;

/// <summary>
/// Browser hardening headers on every response: pages, API JSON, downloads, static files and error answers alike.
/// They are added when the response starts, so whichever middleware or endpoint writes the response, they are there.
/// </summary>
public static class SecurityHeaders
{
    /// <summary>
    /// Blazor Server and MudBlazor run from our own scripts with no eval, and talk to the server over a same-origin
    /// WebSocket ('self' covers ws: on the same host). MudBlazor's theme and components set inline styles, so styles
    /// need 'unsafe-inline'; scripts do not. Pictures are PNG data URLs; downloads are same-origin.
    /// The browser tests fail on any CSP violation on the main pages.
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; " +
        "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    /// <summary>
    /// The policy for a response whose page runs one inline script marked with <paramref name="nonce"/>: the API
    /// reference page (Scalar) starts itself that way. Only that script is added; everything else stays as above.
    /// </summary>
    public static string ContentSecurityPolicyWithScriptNonce(string nonce) =>
        ContentSecurityPolicy.Replace("script-src 'self';", $"script-src 'self' 'nonce-{nonce}';", StringComparison.Ordinal);

    public static readonly IReadOnlyDictionary<string, string> Values = new Dictionary<string, string>
    {
        ["Content-Security-Policy"] = ContentSecurityPolicy,
        ["X-Frame-Options"] = "DENY",
        ["X-Content-Type-Options"] = "nosniff",
        ["Referrer-Policy"] = "strict-origin-when-cross-origin",
        ["Cross-Origin-Opener-Policy"] = "same-origin",
    };

    /// <summary>Registers the headers first in the pipeline, so even the exception handler's answers carry them.</summary>
    public static WebApplication UseVaeSecurityHeaders(this WebApplication app)
    {
        app.Use((context, next) =>
        {
            context.Response.OnStarting(() =>
            {
                var headers = context.Response.Headers;
                foreach (var (name, value) in Values) headers[name] = value;
                // Set by the API reference page when it renders (ScalarOptions.WithNonce), fresh for each request.
                if (context.Items[ScalarOptions.NonceHttpContextItemKey] is string nonce)
                    headers.ContentSecurityPolicy = ContentSecurityPolicyWithScriptNonce(nonce);
                return Task.CompletedTask;
            });
            return next(context);
        });
        return app;
    }
}
