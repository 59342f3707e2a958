using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using VaeWorkbench.Web.Data;
using VaeWorkbench.Web.Data.Entities;
using VaeWorkbench.Web.Options;

namespace VaeWorkbench.Web.Datasets;

/// <summary>
/// Ends imports that were abandoned and will not be run again. An import (an upload, or a merge) holds its Importing
/// dataset by a job lease (<see cref="DatasetImportQueue"/>), renewed by a heartbeat while it runs. One whose lease lapsed
/// was abandoned by a stopped node; if it has no attempt left (<c>Datasets:ImportMaxAttempts</c>), or nothing to read
/// (a row from before imports were jobs), it is marked Failed here, on any node, web ones included, so it never looks
/// usable even where no worker runs. Another node's live import keeps its lease and is left alone.
/// </summary>
public sealed class ImportLeases(IOptions<DatasetOptions> options, ImportStaging staging, ImportEvents events, TimeProvider clock)
{
    /// <summary>Marks abandoned imports that will not be retried as Failed and removes their staged files; returns how many.</summary>
    public async Task<int> FailAbandonedAsync(AppDbContext db, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var attempts = Math.Max(1, options.Value.ImportMaxAttempts);
        var abandoned = await db.Datasets
            .Where(d => d.Status == DatasetStatus.Importing && (d.LeaseExpiresAt == null || d.LeaseExpiresAt < now)
                && (d.ImportSourceJson == null || d.ImportAttempts >= attempts))
            .Select(d => new { d.Id, d.TeamId }).ToListAsync(ct);
        var failed = 0;
        foreach (var (id, teamId) in abandoned.Select(d => (d.Id, d.TeamId)))
        {
            // The same condition again: a node that claimed it meanwhile holds a fresh lease, and keeps it.
            var ended = await db.Datasets.Where(d => d.Id == id && d.Status == DatasetStatus.Importing && (d.LeaseExpiresAt == null || d.LeaseExpiresAt < now))
                .ExecuteUpdateAsync(set => set
                    .SetProperty(d => d.Status, DatasetStatus.Failed)
                    .SetProperty(d => d.Error, ImportJobRunner.InterruptedReason)
                    .SetProperty(d => d.ImportFailure, (ImportFailure?)ImportFailure.Error)
                    .SetProperty(d => d.LeaseOwner, (string?)null)
                    .SetProperty(d => d.LeaseExpiresAt, (DateTimeOffset?)null)
                    .SetProperty(d => d.ImportSourceJson, (string?)null), ct);
            if (ended == 0) continue;
            staging.Delete(id);
            events.Publish(new DatasetImportUpdate(id, teamId, DatasetStatus.Failed, ImportJobRunner.InterruptedReason, ImportFailure.Error));
            failed++;
        }
        return failed;
    }
}
