using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using VaeWorkbench.Web.Data;
using VaeWorkbench.Web.Data.Entities;
using VaeWorkbench.Web.Options;

namespace VaeWorkbench.Web.Datasets;

/// <summary>
/// An import (an upload, or a merge) holds its Importing dataset by a lease in the row, renewed by a heartbeat while it
/// runs. Only an import whose lease lapsed was abandoned (its server stopped); another server's live import keeps its
/// lease, so start-up and the periodic sweep fail only abandoned ones.
/// </summary>
public sealed class ImportLeases(IDbContextFactory<AppDbContext> contexts, IOptions<DatasetOptions> options, TimeProvider clock, ILogger<ImportLeases> logger)
{
    /// <summary>The lease a new Importing row starts with, so it is live before the first heartbeat.</summary>
    public DateTimeOffset FirstExpiry() => clock.GetUtcNow().AddSeconds(options.Value.ImportLeaseSeconds);

    /// <summary>Renews the dataset's import lease until the returned handle is disposed (when the import has ended).</summary>
    public IAsyncDisposable Hold(Guid datasetId)
    {
        var beat = TimeSpan.FromSeconds(Math.Max(1, options.Value.ImportHeartbeatSeconds));
        return new Timer(_ => Renew(datasetId), null, beat, beat);
    }

    /// <summary>Marks Importing datasets whose lease lapsed as Failed; returns how many.</summary>
    public Task<int> FailAbandonedAsync(AppDbContext db, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        return db.Datasets.Where(d => d.Status == DatasetStatus.Importing && (d.ImportLeaseExpiresAt == null || d.ImportLeaseExpiresAt < now))
            .ExecuteUpdateAsync(set => set
                .SetProperty(d => d.Status, DatasetStatus.Failed)
                .SetProperty(d => d.Error, "The server stopped during the import. Delete this dataset and upload it again."), ct);
    }

    private void Renew(Guid datasetId)
    {
        try
        {
            using var db = contexts.CreateDbContext();
            var expiry = FirstExpiry();
            db.Datasets.Where(d => d.Id == datasetId && d.Status == DatasetStatus.Importing)
                .ExecuteUpdate(set => set.SetProperty(d => d.ImportLeaseExpiresAt, expiry));
        }
        catch (Exception e) when (e is DbUpdateException or System.Data.Common.DbException or InvalidOperationException)
        {
            // A busy database delays one heartbeat; the lease is long enough to survive it.
            logger.LogWarning(e, "Import of dataset {DatasetId}: lease renewal failed; will retry", datasetId);
        }
    }
}
