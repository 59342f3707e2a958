using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using VaeWorkbench.Web.Data;
using VaeWorkbench.Web.Storage;

namespace VaeWorkbench.Web.Hosting;

/// <summary>Healthy when this version's migrations are all applied: a node that started against an older schema is not ready.</summary>
internal sealed class MigrationsAppliedHealthCheck(IDbContextFactory<AppDbContext> contexts) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var pending = (await db.Database.GetPendingMigrationsAsync(ct)).ToList();
        return pending.Count == 0
            ? HealthCheckResult.Healthy("Every migration is applied.")
            : HealthCheckResult.Unhealthy($"{pending.Count} migration(s) pending: {string.Join(", ", pending)}.");
    }
}

/// <summary>Healthy when the data folder takes a new file: uploads, checkpoints and models all start as temporary files there.</summary>
internal sealed class StorageWritableHealthCheck(BlobStore blobs) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        var probe = blobs.NewTempPath(".health");
        try
        {
            await File.WriteAllBytesAsync(probe, [1], ct);
            return HealthCheckResult.Healthy("The data folder is writable.");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return HealthCheckResult.Unhealthy($"The data folder is not writable: {e.Message}");
        }
        finally
        {
            if (File.Exists(probe)) File.Delete(probe);
        }
    }
}
