using Microsoft.Extensions.DependencyInjection.Extensions;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;

namespace VaeWorkbench.Web.Cluster;

public static class MetricsExtensions
{
    public const string Path = "/metrics";

    /// <summary>OpenTelemetry metrics: HTTP server metrics, the job queues' instruments, and a Prometheus exporter.</summary>
    public static IHostApplicationBuilder AddVaeMetrics(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<MetricsOptions>().Bind(builder.Configuration.GetSection(MetricsOptions.SectionName))
            .Validate(o => string.IsNullOrEmpty(o.Token) || o.Token.Length >= 16, "Metrics:Token must be at least 16 characters (or empty)")
            .ValidateOnStart();
        builder.Services.TryAddSingleton<JobMetrics>();
        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddAspNetCoreInstrumentation()
            .AddMeter(JobMetrics.MeterName)
            .AddPrometheusExporter());
        return builder;
    }

    /// <summary><c>GET /metrics</c> in Prometheus text format, for loopback clients and holders of <c>Metrics:Token</c>; 403 for anyone else.</summary>
    public static WebApplication MapVaeMetrics(this WebApplication app)
    {
        app.UseWhen(context => context.Request.Path.StartsWithSegments(Path), branch => branch.Use(async (context, next) =>
        {
            if (!MayRead(context, context.RequestServices.GetRequiredService<IOptions<MetricsOptions>>().Value))
            {
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                return;
            }
            await next(context);
        }));
        app.MapPrometheusScrapingEndpoint(Path);
        // Created now, so the queue-depth gauge exists on a node that runs no queue (a web node) too.
        app.Services.GetRequiredService<JobMetrics>();
        return app;
    }

    internal static bool MayRead(HttpContext context, MetricsOptions options)
    {
        if (options.AllowLoopback && context.Connection.RemoteIpAddress is { } address && System.Net.IPAddress.IsLoopback(address)) return true;
        if (string.IsNullOrEmpty(options.Token)) return false;
        var header = context.Request.Headers.Authorization.ToString();
        const string scheme = "Bearer ";
        if (!header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase)) return false;
        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(header[scheme.Length..].Trim()), Encoding.UTF8.GetBytes(options.Token));
    }
}
