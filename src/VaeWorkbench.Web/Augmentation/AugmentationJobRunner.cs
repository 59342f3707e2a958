using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using VaeWorkbench.Engine.Data;
using VaeWorkbench.Engine.Generation;
using VaeWorkbench.Engine.IO;
using VaeWorkbench.Imaging.Formats.Png;
using VaeWorkbench.Web.Data;
using VaeWorkbench.Web.Data.Entities;
using VaeWorkbench.Web.Datasets;
using VaeWorkbench.Web.Faults;
using VaeWorkbench.Web.Jobs;
using VaeWorkbench.Web.Runs;
using VaeWorkbench.Web.Storage;

namespace VaeWorkbench.Web.Augmentation;

/// <summary>
/// Runs one claimed generation job on the calling (dedicated) thread: loads its own copy of the model (a long job must
/// not hold the shared cache's per-model lock), generates chunk by chunk, stores each kept PNG by content hash with its
/// row, and publishes progress after every chunk. A heartbeat renews the lease; losing it stops the job.
/// </summary>
public sealed class AugmentationJobRunner(
    IDbContextFactory<AppDbContext> contexts,
    BlobStore blobs,
    AugmentationEvents events,
    IOptions<AugmentationOptions> options,
    DatasetMemoryOptions memory,
    ClassJudgeCache judges,
    Failpoints faults,
    ILogger<AugmentationJobRunner> logger)
{
    public async Task RunAsync(JobLease<AugmentedSet, AugmentedStatus> lease)
    {
        var setId = lease.Id;
        AugmentedSet set;
        Dataset dataset;
        using (var db = contexts.CreateDbContext())
        {
            set = db.AugmentedSets.AsNoTracking().Single(s => s.Id == setId);
            dataset = db.Datasets.AsNoTracking().Single(d => d.Id == set.DatasetId);
            // A job claimed again after its server died starts over: generation is deterministic, so it ends the same.
            // Only while this server holds the job: a late duplicate must not delete the holder's images.
            using var transaction = db.Database.BeginTransaction();
            db.AugmentedImages.Where(i => i.SetId == setId && lease.Held(db).Any()).ExecuteDelete();
            transaction.Commit();
        }

        int generated = 0, kept = 0;
        using var sources = new SourceScope();
        try
        {
            Publish(set, AugmentedStatus.Running, 0, 0);
            var model = ModelFile.Load(blobs.ReadAllBytes(set.ModelFileHash)).Model;
            model.Threads = options.Value.ResolveThreads();
            // A chunk is 1,024 samples decoded in batches of 256: the bar moves per batch, the stored counts per chunk.
            var decodedInChunk = 0;
            model.BatchDecoded = n =>
            {
                decodedInChunk += n;
                Publish(set, AugmentedStatus.Running, Math.Min(set.Requested, generated + decodedInChunk), kept);
            };
            var (request, filter) = AugmentationMapping.ToEngine(set);
            IImageSource? data = null;
            var classNames = DatasetMapping.ClassNames(dataset);
            if (request.Mode != GenerationMode.Prior || filter is not null || classNames.Count >= 2)
            {
                data = sources.Add(DatasetTensorLoader.Open(blobs, dataset, memory.Current, m => logger.LogInformation("Augmented set {SetId}: {Message}", setId, m)));
            }
            // The judge of class fidelity (trained once per dataset, then cached), for a labelled dataset only.
            var fidelity = classNames.Count >= 2 && data?.Labels is not null
                ? new FidelityTally(judges.GetOrTrain(dataset.TensorHash!, data, model.Threads, lease.Token)) : null;
            var settings = AugmentationMapping.Filter(set);
            var report = new FilterReport();
            var chunks = BalancedGeneration.Generate(model, data, request, filter, AugmentationMapping.Balance(settings), report, lease.Token);
            var c = model.Config;
            foreach (var chunk in chunks)
            {
                faults.Reach(Failpoints.GenerationChunk, lease.Token);
                lease.Token.ThrowIfCancellationRequested(); // a stopped job stores no more images
                var rows = new List<AugmentedImage>(chunk.Kept);
                var pngs = PngBatchEncoder.FromChw(chunk.Pixels, 0, chunk.Kept, c.Channels, c.Height, c.Width, model.Threads);
                var hashes = blobs.PutMany(pngs); // one flush to the disk per chunk, not one per image
                for (var i = 0; i < chunk.Kept; i++)
                {
                    rows.Add(new AugmentedImage
                    {
                        SetId = setId, Index = kept + i, Label = chunk.Labels[i] < 0 ? null : chunk.Labels[i], ContentHash = hashes[i],
                        Score = double.IsFinite(chunk.Scores[i]) ? chunk.Scores[i] : null,
                    });
                }
                fidelity?.Add(chunk.Pixels, chunk.Labels.AsSpan(0, chunk.Kept));
                generated += chunk.Generated;
                kept += chunk.Kept;
                decodedInChunk = 0;
                await using (var db = await contexts.CreateDbContextAsync())
                await using (var transaction = await db.Database.BeginTransactionAsync())
                {
                    db.AugmentedImages.AddRange(rows);
                    await db.SaveChangesAsync();
                    // Without the lease this throws and the rows above roll back: only the holder adds images.
                    await lease.UpdateAsync(db, u => u.Set(s => s.Generated, generated).Set(s => s.Kept, kept));
                    await transaction.CommitAsync();
                }
                Publish(set, AugmentedStatus.Running, generated, kept);
            }
            // The filter's report (per class: generated, removed, kept) is stored with the set's filter, for its provenance.
            var filterJson = filter is null ? set.FilterJson
                : JsonSerializer.Serialize(settings! with { ElboThreshold = report.ElboThreshold, Outcome = AugmentationMapping.Outcome(report, DatasetMapping.ClassNames(dataset)) }, RunService.Json);
            var fidelityJson = fidelity?.Report(classNames) is { } measured ? JsonSerializer.Serialize(measured, RunService.Json) : null;
            await using (var db = await contexts.CreateDbContextAsync())
                if (!await lease.CompleteAsync(db, AugmentedStatus.Succeeded, u => u.Set(s => s.FilterJson, filterJson).Set(s => s.ClassFidelityJson, fidelityJson))) return;
            Publish(set, AugmentedStatus.Succeeded, generated, kept);
            logger.LogInformation("Augmented set {SetId}: generated {Generated}, kept {Kept}", setId, generated, kept);
        }
        catch (OperationCanceledException) when (lease.Token.IsCancellationRequested)
        {
            // Shutting down: give the job back so the next start generates it again at once. Lease lost: it is another server's.
            logger.LogWarning("Augmented set {SetId}: stopped after {Generated} samples ({Reason})", setId, generated, lease.Stop);
            if (lease.Stop == JobStop.Shutdown) await lease.ReleaseAsync();
        }
        // A lost database is not this job's fault: it goes up to LeasedJobQueue, which stops the job to be taken up again.
        catch (Exception e) when (!DatabaseErrors.IsTransient(e))
        {
            // Bad parameters for this dataset (a class with one image), a broken file: this set fails, the server goes on.
            logger.LogError(e, "Augmented set {SetId} failed", setId);
            if (await lease.FailAsync(AugmentedStatus.Failed, e.Message)) Publish(set, AugmentedStatus.Failed, generated, kept, e.Message);
        }
    }

    private void Publish(AugmentedSet set, AugmentedStatus status, int generated, int kept, string? error = null) =>
        events.Publish(new AugmentationUpdate(set.Id, status, set.Requested, generated, kept, error));
}
