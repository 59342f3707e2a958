using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using VaeWorkbench.Web.Options;

namespace VaeWorkbench.Web.Backups;

/// <summary>
/// The backup schedule in the health report: Degraded (never Unhealthy: a missed backup must not take the server out of a
/// load balancer) when the last scheduled backup failed or no backup succeeded for two intervals; the last backup's
/// time, size and result are in the details. On PostgreSQL it says that this server makes no backups, and how to make them.
/// </summary>
internal sealed class BackupHealthCheck(BackupService backups, IOptions<BackupOptions> options, IOptions<DatabaseOptions> database, TimeProvider clock)
    : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        if (database.Value.Provider != DatabaseProvider.Sqlite)
            return Task.FromResult(HealthCheckResult.Healthy(BackupService.PostgresBackups, new Dictionary<string, object> { ["scheduled"] = false }));
        var (lastAttempt, lastSuccess) = backups.Status();
        var data = new Dictionary<string, object>
        {
            ["scheduled"] = options.Value.Scheduled,
            ["lastAttemptAt"] = lastAttempt?.FinishedAt.ToString("O") ?? "never",
            ["lastSucceeded"] = lastAttempt?.Succeeded ?? false,
            ["lastSuccessAt"] = lastSuccess?.FinishedAt.ToString("O") ?? "never",
            ["lastSuccessBytes"] = lastSuccess?.SizeBytes ?? 0,
        };
        if (!options.Value.Scheduled) return Task.FromResult(HealthCheckResult.Healthy("Scheduled backups are off.", data));
        if (lastAttempt is { Succeeded: false })
            return Task.FromResult(HealthCheckResult.Degraded($"The last backup failed: {lastAttempt.Error}", data: data));
        var overdue = TimeSpan.FromHours(options.Value.IntervalHours * 2);
        if (lastSuccess is not null && clock.GetUtcNow() - lastSuccess.FinishedAt > overdue)
            return Task.FromResult(HealthCheckResult.Degraded($"No backup has succeeded since {lastSuccess.FinishedAt:u}.", data: data));
        return Task.FromResult(HealthCheckResult.Healthy("Backups are on schedule.", data));
    }
}
