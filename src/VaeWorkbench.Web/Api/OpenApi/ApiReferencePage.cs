using Scalar.AspNetCore;

namespace VaeWorkbench.Web.Api.OpenApi;

/// <summary>
/// The API reference page at <c>/api/docs/</c> (Scalar), rendered from <c>/openapi/v1.json</c>. Everything it loads is
/// served by the app: the script bundle is embedded in the Scalar package, the fonts are the browser's own, and
/// telemetry, the AI agent and MCP are off, so the page sends nothing to a third party and no CDN is needed.
/// </summary>
public static class ApiReferencePage
{
    public const string Route = "/api/docs";

    public static IEndpointConventionBuilder MapVaeApiReference(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapScalarApiReference(Route, options =>
        {
            options.WithTitle("VaeWorkbench API")
                .WithOpenApiRoutePattern("/openapi/{documentName}.json")
                .DisableDefaultFonts()
                .DisableTelemetry()
                .DisableAgent()
                .DisableMcp()
                // The page's inline start-up script carries a fresh nonce per request; SecurityHeaders allows it in
                // this response's Content-Security-Policy and nowhere else.
                .WithNonce();
        }).AllowAnonymous();
}
