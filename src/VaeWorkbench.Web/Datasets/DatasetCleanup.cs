using Microsoft.EntityFrameworkCore;
using VaeWorkbench.Web.Data;
using VaeWorkbench.Web.Data.Entities;
using VaeWorkbench.Web.Storage;

namespace VaeWorkbench.Web.Datasets;

/// <summary>
/// Removes what deleted datasets leave behind. Deletion is soft because training runs and models keep using a dataset's
/// tensor file; once nothing refers to a deleted dataset any more, its rows and the files no other dataset shares go.
/// </summary>
public sealed class DatasetCleanup(AppDbContext db, BlobStore blobs, ImportLeases leases, ILogger<DatasetCleanup> logger)
{
    /// <summary>
    /// Purges soft-deleted datasets that no training run, model, score job or augmented set refers to (queued, running or
    /// finished: a score job's results point at the dataset's images, an augmented set's export includes its originals):
    /// image rows, the dataset row, and
    /// every blob (image PNGs, tensor file) no remaining dataset uses. Not team-scoped: a maintenance sweep the job
    /// service calls (for example after a run is deleted). Returns how many datasets were purged.
    /// </summary>
    public async Task<int> PurgeDeletedAsync(CancellationToken ct = default)
    {
        // An import stores its blobs before its rows; while one runs, a blob that looks unused may be about to be used.
        if (await ImportRunningAsync(ct))
        {
            logger.LogInformation("Dataset purge deferred: an import is running");
            return 0;
        }
        var purgeable = await db.Datasets
            .Where(d => d.DeletedAt != null
                && !db.TrainingRuns.Any(r => r.DatasetId == d.Id)
                && !db.TrainedModels.Any(m => m.DatasetId == d.Id)
                && !db.ScoreJobs.Any(j => j.DatasetId == d.Id)
                && !db.AugmentedSets.Any(s => s.DatasetId == d.Id))
            .Select(d => new { d.Id, d.TensorHash })
            .ToListAsync(ct);
        foreach (var dataset in purgeable)
        {
            var hashes = await db.DatasetImages.Where(i => i.DatasetId == dataset.Id).Select(i => i.ContentHash).Distinct().ToListAsync(ct);
            if (dataset.TensorHash is not null) hashes.Add(dataset.TensorHash);
            await using (var transaction = await db.Database.BeginTransactionAsync(ct))
            {
                await db.DatasetImages.Where(i => i.DatasetId == dataset.Id).ExecuteDeleteAsync(ct);
                await db.Datasets.Where(d => d.Id == dataset.Id).ExecuteDeleteAsync(ct);
                await transaction.CommitAsync(ct);
            }
            var removed = await DeleteUnreferencedBlobsAsync(hashes, ct);
            logger.LogInformation("Purged deleted dataset {DatasetId} and {Files} files", dataset.Id, removed);
        }
        return purgeable.Count;
    }

    private Task<bool> ImportRunningAsync(CancellationToken ct, Guid? except = null) =>
        db.Datasets.AnyAsync(d => d.Status == DatasetStatus.Importing && d.Id != except, ct);

    /// <summary>
    /// Marks imports abandoned by a stopped server as Failed: those whose lease lapsed. Imports run inside a request or a
    /// circuit, so none survives its server; another server's import renews its lease and is left alone. Called at
    /// start-up and before every purge sweep.
    /// </summary>
    public Task<int> FailInterruptedImportsAsync(CancellationToken ct = default) => leases.FailAbandonedAsync(db, ct);

    /// <summary>
    /// Deletes the blobs among <paramref name="hashes"/> that no row refers to (<see cref="BlobReferences"/>). A failing
    /// import passes its own id as <paramref name="failingImport"/>: it no longer counts as an import that may still use them.
    /// </summary>
    public async Task<int> DeleteUnreferencedBlobsAsync(IReadOnlyCollection<string> hashes, CancellationToken ct = default, Guid? failingImport = null)
    {
        if (await ImportRunningAsync(ct, failingImport))
        {
            // Leaving a few unused files is harmless; deleting one another import has just stored is not.
            logger.LogInformation("Kept {Count} possibly unused files: an import is running", hashes.Count);
            return 0;
        }
        var removed = 0;
        foreach (var chunk in hashes.Distinct(StringComparer.Ordinal).Chunk(500))
        {
            var used = await BlobReferences.All(db).Where(h => chunk.Contains(h)).Distinct().ToListAsync(ct);
            foreach (var hash in chunk.Except(used, StringComparer.Ordinal))
            {
                try
                {
                    blobs.Delete(hash);
                    removed++;
                }
                catch (IOException e)
                {
                    logger.LogWarning(e, "Could not delete blob {Hash}", hash);
                }
            }
        }
        return removed;
    }
}
