using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace VaeWorkbench.Web.Hosting;

/// <summary>
/// Probes for a load balancer or orchestrator: <c>/health/live</c> answers while the process serves at all;
/// <c>/health/ready</c> only when the database answers, every migration is applied and the data folder is writable,
/// with each check's result (backups included) as JSON; <c>/healthz</c> stays the plain all-checks probe.
/// </summary>
public static class HealthEndpoints
{
    public const string ReadyTag = "ready";

    public static IHostApplicationBuilder AddVaeReadinessChecks(this IHostApplicationBuilder builder)
    {
        builder.Services.AddHealthChecks()
            .AddCheck<MigrationsAppliedHealthCheck>("migrations", tags: [ReadyTag])
            .AddCheck<StorageWritableHealthCheck>("storage", tags: [ReadyTag]);
        return builder;
    }

    public static WebApplication MapVaeHealth(this WebApplication app)
    {
        app.MapHealthChecks("/healthz");
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions
        {
            // The database and backup checks are registered by their own areas; the ready probe asks every check but
            // what only /healthz should report, so each area's check appears in its details.
            Predicate = check => check.Tags.Contains(ReadyTag) || check.Name is "database" or "backup",
            ResponseWriter = WriteJsonAsync,
        });
        return app;
    }

    private static Task WriteJsonAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        return context.Response.WriteAsync(JsonSerializer.Serialize(new
        {
            status = report.Status.ToString(),
            checks = report.Entries.Select(e => new
            {
                name = e.Key,
                status = e.Value.Status.ToString(),
                description = e.Value.Description,
                milliseconds = Math.Round(e.Value.Duration.TotalMilliseconds, 1),
                data = e.Value.Data.Count > 0 ? e.Value.Data : null,
            }),
        }, new JsonSerializerOptions(JsonSerializerDefaults.Web)));
    }
}
