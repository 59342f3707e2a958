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
    TimeProvider clock,
    ILogger<AugmentationJobRunner> logger)
{
    public void Run(Guid setId, string owner, CancellationToken stopping)
    {
        using var job = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        var leaseLost = false;
        AugmentedSet set;
        Dataset dataset;
        using (var db = contexts.CreateDbContext())
        {
            set = db.AugmentedSets.AsNoTracking().Single(s => s.Id == setId);
            dataset = db.Datasets.AsNoTracking().Single(d => d.Id == set.DatasetId);
            // A job claimed again after its server died starts over: generation is deterministic, so it ends the same.
            db.AugmentedImages.Where(i => i.SetId == setId).ExecuteDelete();
        }
        using var heartbeat = new Timer(_ =>
        {
            if (RenewLease(setId, owner)) return;
            leaseLost = true;
            job.Cancel();
        }, null, TimeSpan.FromSeconds(options.Value.HeartbeatSeconds), TimeSpan.FromSeconds(options.Value.HeartbeatSeconds));

        int generated = 0, kept = 0;
        try
        {
            Publish(set, AugmentedStatus.Running, 0, 0);
            var model = ModelFile.Load(blobs.ReadAllBytes(set.ModelFileHash)).Model;
            model.Threads = options.Value.ResolveThreads();
            var (request, filter) = AugmentationMapping.ToEngine(set);
            ImageDataset? data = null;
            if (request.Mode != GenerationMode.Prior || filter is not null)
            {
                if (dataset.TensorHash is null) throw new InvalidOperationException($"dataset '{dataset.Name}' has no stored images");
                using var stream = blobs.OpenRead(dataset.TensorHash);
                data = DatasetTensorFile.Read(stream);
            }
            var run = Generator.Prepare(model, data, request, filter, job.Token);
            var c = model.Config;
            foreach (var chunk in run.Chunks)
            {
                var rows = new List<AugmentedImage>(chunk.Kept);
                var pngs = PngBatchEncoder.FromChw(chunk.Pixels, 0, chunk.Kept, c.Channels, c.Height, c.Width, model.Threads);
                for (var i = 0; i < chunk.Kept; i++)
                {
                    rows.Add(new AugmentedImage
                    {
                        SetId = setId, Index = kept + i, Label = chunk.Labels[i] < 0 ? null : chunk.Labels[i], ContentHash = blobs.Put(pngs[i]),
                        Score = double.IsFinite(chunk.Scores[i]) ? chunk.Scores[i] : null,
                    });
                }
                generated += chunk.Generated;
                kept += chunk.Kept;
                using (var db = contexts.CreateDbContext())
                using (var transaction = db.Database.BeginTransaction())
                {
                    db.AugmentedImages.AddRange(rows);
                    db.SaveChanges();
                    var owned = db.AugmentedSets.Where(s => s.Id == setId && s.LeaseOwner == owner && s.Status == AugmentedStatus.Running)
                        .ExecuteUpdate(u => u.SetProperty(s => s.Generated, generated).SetProperty(s => s.Kept, kept));
                    if (owned == 0) throw new OperationCanceledException("the job lost its lease");
                    transaction.Commit();
                }
                Publish(set, AugmentedStatus.Running, generated, kept);
            }
            var filterJson = filter is null ? set.FilterJson
                : JsonSerializer.Serialize(AugmentationMapping.Filter(set)! with { ElboThreshold = run.ElboThreshold }, RunService.Json);
            End(set, owner, AugmentedStatus.Succeeded, null, filterJson);
            Publish(set, AugmentedStatus.Succeeded, generated, kept);
            logger.LogInformation("Augmented set {SetId}: generated {Generated}, kept {Kept}", setId, generated, kept);
        }
        catch (OperationCanceledException) when (job.IsCancellationRequested || leaseLost)
        {
            // Shutting down (or another server took over): leave it Running; an expired lease makes it claimable again.
            logger.LogWarning("Augmented set {SetId}: stopped after {Generated} samples ({Reason})", setId, generated, leaseLost ? "lease lost" : "shutdown");
        }
        catch (Exception e)
        {
            // Bad parameters for this dataset (a class with one image), a broken file: this set fails, the server goes on.
            logger.LogError(e, "Augmented set {SetId} failed", setId);
            End(set, owner, AugmentedStatus.Failed, e.Message, set.FilterJson);
            Publish(set, AugmentedStatus.Failed, generated, kept, e.Message);
        }
    }

    private void Publish(AugmentedSet set, AugmentedStatus status, int generated, int kept, string? error = null) =>
        events.Publish(new AugmentationUpdate(set.Id, status, set.Requested, generated, kept, error));

    private bool RenewLease(Guid setId, string owner)
    {
        try
        {
            using var db = contexts.CreateDbContext();
            var lease = clock.GetUtcNow().AddSeconds(options.Value.LeaseSeconds);
            return db.AugmentedSets.Where(s => s.Id == setId && s.LeaseOwner == owner && s.Status == AugmentedStatus.Running)
                .ExecuteUpdate(u => u.SetProperty(s => s.LeaseExpiresAt, lease)) == 1;
        }
        catch (Exception e)
        {
            // A busy database for one beat is not a lost lease; the next beat tries again.
            logger.LogWarning(e, "Augmented set {SetId}: lease renewal failed", setId);
            return true;
        }
    }

    private void End(AugmentedSet set, string owner, AugmentedStatus status, string? error, string filterJson)
    {
        using var db = contexts.CreateDbContext();
        var now = clock.GetUtcNow();
        db.AugmentedSets.Where(s => s.Id == set.Id && s.LeaseOwner == owner)
            .ExecuteUpdate(u => u.SetProperty(s => s.Status, status).SetProperty(s => s.Error, error).SetProperty(s => s.FinishedAt, now)
                .SetProperty(s => s.FilterJson, filterJson).SetProperty(s => s.LeaseOwner, (string?)null).SetProperty(s => s.LeaseExpiresAt, (DateTimeOffset?)null));
    }
}
