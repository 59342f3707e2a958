using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using VaeWorkbench.Engine.Data;
using VaeWorkbench.Engine.IO;
using VaeWorkbench.Engine.Model;
using VaeWorkbench.Engine.Training;
using VaeWorkbench.Imaging.Formats.Png;
using VaeWorkbench.Imaging.Transforms;
using VaeWorkbench.Web.Data;
using VaeWorkbench.Web.Data.Entities;
using VaeWorkbench.Web.Datasets;
using VaeWorkbench.Web.Options;
using VaeWorkbench.Web.Storage;

namespace VaeWorkbench.Web.Runs;

/// <summary>
/// Runs one claimed training job to its end: loads the dataset's packed tensor, resumes from the run's checkpoint if
/// there is one, checkpoints after every epoch (atomic rename) before recording the epoch, and publishes progress.
/// </summary>
public sealed class TrainingJobRunner(
    IDbContextFactory<AppDbContext> contexts,
    BlobStore blobs,
    RunEvents events,
    IOptions<TrainingJobOptions> jobOptions,
    IOptions<StorageOptions> storage,
    TimeProvider clock,
    ILogger<TrainingJobRunner> logger)
{
    private const int PreviewImages = 8;
    private const int ProgressIntervalMs = 500;

    private enum StopReason { None, CancelledByUser, LeaseLost }

    public string CheckpointPath(Guid runId) =>
        Path.Combine(storage.Value.ResolveDataDirectory(), "checkpoints", $"{runId:N}.vae");

    public async Task RunAsync(Guid runId, string owner, CancellationToken stopping)
    {
        using var job = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        var reason = StopReason.None;
        TrainingRun run;
        Dataset dataset;
        await using (var db = await contexts.CreateDbContextAsync(CancellationToken.None))
        {
            run = await db.TrainingRuns.AsNoTracking().SingleAsync(r => r.Id == runId, CancellationToken.None);
            dataset = await db.Datasets.AsNoTracking().SingleAsync(d => d.Id == run.DatasetId, CancellationToken.None);
        }

        // The heartbeat renews the lease and turns a cancel request (or a lost lease) into a stop of the training loop.
        await using var heartbeat = new Timer(_ =>
        {
            var result = RenewLease(runId, owner);
            if (result is null) return;
            reason = result.Value;
            job.Cancel();
        }, null, TimeSpan.FromSeconds(jobOptions.Value.HeartbeatSeconds), TimeSpan.FromSeconds(jobOptions.Value.HeartbeatSeconds));

        try
        {
            var settings = RunService.ParseSettings(run.SettingsJson);
            var (config, options) = settings.ToEngine(dataset.Channels, dataset.ImageSize, jobOptions.Value.ResolveThreads(settings.Threads));
            if (dataset.TensorHash is null) throw new InvalidOperationException($"dataset '{dataset.Name}' has no stored images");
            ImageDataset all;
            await using (var stream = blobs.OpenRead(dataset.TensorHash)) all = DatasetTensorFile.Read(stream);
            var (train, validation) = Split(all, settings.ValidationSplit, options.Seed);
            var preview = (validation ?? train).Slice(0, Math.Min(PreviewImages, (validation ?? train).Count));

            var checkpoint = CheckpointPath(runId);
            Directory.CreateDirectory(Path.GetDirectoryName(checkpoint)!);
            var trainer = await ResumeOrStartAsync(run, checkpoint, config, options);
            Publish(run, RunStatus.Running, trainer.EpochsCompleted);

            trainer.EpochCompleted += report =>
            {
                ModelFile.Save(checkpoint, trainer.Model, trainer);
                var row = ToRow(runId, report);
                RecordEpochs(runId, owner, [row]);
                events.Publish(new RunUpdate(runId, RunStatus.Running, report.Epoch, run.Epochs, row, ReconstructionGrid(trainer.Model, preview)));
            };
            // Step progress reaches pages a few times a second at most, however short the steps are.
            var lastProgress = DateTime.UtcNow;
            trainer.BatchCompleted += (done, total) =>
            {
                if (done < total && (DateTime.UtcNow - lastProgress).TotalMilliseconds < ProgressIntervalMs) return;
                lastProgress = DateTime.UtcNow;
                events.Publish(new RunUpdate(runId, RunStatus.Running, trainer.EpochsCompleted, run.Epochs, EpochFraction: (double)done / total));
            };
            logger.LogInformation("Run {RunId}: training {Arch} on {Count} images from epoch {Epoch} of {Epochs}",
                runId, settings.Arch, train.Count, trainer.EpochsCompleted + 1, options.Epochs);
            trainer.Run(train, validation, job.Token);
            await FinishAsync(run, owner, trainer, checkpoint);
        }
        catch (OperationCanceledException) when (job.IsCancellationRequested)
        {
            if (reason == StopReason.CancelledByUser) await EndAsync(run, owner, RunStatus.Cancelled, null);
            else if (reason == StopReason.LeaseLost) logger.LogWarning("Run {RunId}: another server took over the job; stopping here", runId);
            else await ReleaseForRestartAsync(runId, owner);
        }
        catch (Exception e)
        {
            // A NaN loss, a bad setting or a broken file fails this run only; the server and other runs go on.
            logger.LogError(e, "Run {RunId} failed", runId);
            await EndAsync(run, owner, RunStatus.Failed, e.Message);
        }
    }

    private async Task<Trainer> ResumeOrStartAsync(TrainingRun run, string checkpoint, VaeConfig config, TrainingOptions options)
    {
        if (File.Exists(checkpoint))
        {
            try
            {
                var loaded = ModelFile.Load(checkpoint);
                var trainer = loaded.Resume(options.Epochs, options.Threads);
                // The checkpoint is written before its epoch is recorded, so it may hold one epoch the database lacks.
                RecordEpochs(run.Id, null, trainer.History.Select(r => ToRow(run.Id, r)).ToList());
                logger.LogInformation("Run {RunId}: resuming from the checkpoint after epoch {Epoch}", run.Id, trainer.EpochsCompleted);
                return trainer;
            }
            catch (InvalidModelFileException e)
            {
                logger.LogWarning(e, "Run {RunId}: the checkpoint is unreadable; starting again from epoch 1", run.Id);
            }
        }
        await using var db = await contexts.CreateDbContextAsync();
        await db.RunEpochs.Where(e => e.RunId == run.Id).ExecuteDeleteAsync();
        return new Trainer(new Vae(config, options.Seed), options);
    }

    private async Task FinishAsync(TrainingRun run, string owner, Trainer trainer, string checkpoint)
    {
        var temp = blobs.NewTempPath(".vae");
        ModelFile.Save(temp, trainer.Model, trainer);
        var bytes = new FileInfo(temp).Length;
        var hash = await blobs.PutFileAsync(temp);
        var last = trainer.History[^1];
        var metrics = new ModelMetrics(last.TrainLoss, last.TrainReconstruction, last.TrainKl, last.ValidationLoss, last.ValidationReconstruction,
            last.ValidationKl, trainer.EpochsCompleted, trainer.Model.ParameterCount, trainer.History.Sum(h => h.EpochSeconds), trainer.StoppedEarly);

        await using var db = await contexts.CreateDbContextAsync();
        await using var transaction = await db.Database.BeginTransactionAsync();
        var now = clock.GetUtcNow();
        var finished = await db.TrainingRuns.Where(r => r.Id == run.Id && r.LeaseOwner == owner && r.Status == RunStatus.Running)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.Status, RunStatus.Succeeded).SetProperty(r => r.FinishedAt, now)
                .SetProperty(r => r.Epoch, trainer.EpochsCompleted).SetProperty(r => r.LeaseOwner, (string?)null).SetProperty(r => r.LeaseExpiresAt, (DateTimeOffset?)null));
        if (finished == 0)
        {
            logger.LogWarning("Run {RunId}: finished, but this server no longer holds it; the other holder records the model", run.Id);
            return;
        }
        // The unique index on RunId makes a second delivery of the same job unable to add a second model.
        if (!await db.TrainedModels.AnyAsync(m => m.RunId == run.Id))
        {
            db.TrainedModels.Add(new TrainedModel
            {
                Id = Guid.NewGuid(), TeamId = run.TeamId, RunId = run.Id, DatasetId = run.DatasetId,
                ConfigJson = JsonSerializer.Serialize(trainer.Model.Config, RunService.Json),
                MetricsJson = JsonSerializer.Serialize(metrics, RunService.Json), FileHash = hash, FileBytes = bytes, CreatedAt = now,
            });
            await db.SaveChangesAsync();
        }
        await transaction.CommitAsync();
        File.Delete(checkpoint);
        logger.LogInformation("Run {RunId} succeeded after {Epochs} epochs", run.Id, trainer.EpochsCompleted);
        Publish(run, RunStatus.Succeeded, trainer.EpochsCompleted);
        events.Forget(run.Id);
    }

    private async Task EndAsync(TrainingRun run, string owner, RunStatus status, string? error)
    {
        await using var db = await contexts.CreateDbContextAsync();
        var now = clock.GetUtcNow();
        await db.TrainingRuns.Where(r => r.Id == run.Id && r.LeaseOwner == owner)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.Status, status).SetProperty(r => r.Error, error).SetProperty(r => r.FinishedAt, now)
                .SetProperty(r => r.LeaseOwner, (string?)null).SetProperty(r => r.LeaseExpiresAt, (DateTimeOffset?)null));
        var checkpoint = CheckpointPath(run.Id);
        if (File.Exists(checkpoint)) File.Delete(checkpoint);
        var epoch = await db.TrainingRuns.Where(r => r.Id == run.Id).Select(r => r.Epoch).SingleAsync();
        events.Publish(new RunUpdate(run.Id, status, epoch, run.Epochs, Error: error));
        events.Forget(run.Id);
    }

    /// <summary>On shutdown the run stays Running with an expired lease, so the next start resumes it at once.</summary>
    private async Task ReleaseForRestartAsync(Guid runId, string owner)
    {
        await using var db = await contexts.CreateDbContextAsync();
        await db.TrainingRuns.Where(r => r.Id == runId && r.LeaseOwner == owner)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.LeaseOwner, (string?)null).SetProperty(r => r.LeaseExpiresAt, (DateTimeOffset?)null));
        logger.LogInformation("Run {RunId}: stopped for shutdown; it resumes from its last checkpoint on the next start", runId);
    }

    private StopReason? RenewLease(Guid runId, string owner)
    {
        try
        {
            using var db = contexts.CreateDbContext();
            var lease = clock.GetUtcNow().AddSeconds(jobOptions.Value.LeaseSeconds);
            var renewed = db.TrainingRuns.Where(r => r.Id == runId && r.LeaseOwner == owner)
                .ExecuteUpdate(s => s.SetProperty(r => r.LeaseExpiresAt, lease));
            if (renewed == 0) return StopReason.LeaseLost;
            return db.TrainingRuns.Where(r => r.Id == runId).Select(r => r.CancelRequested).Single() ? StopReason.CancelledByUser : null;
        }
        catch (Exception e) when (e is DbUpdateException or Microsoft.Data.Sqlite.SqliteException)
        {
            // A busy database delays one heartbeat; the lease is long enough to survive it.
            logger.LogWarning(e, "Run {RunId}: lease renewal failed; will retry", runId);
            return null;
        }
    }

    /// <summary>Inserts epochs that are not recorded yet and advances the run's epoch counter (only while this server holds it).</summary>
    private void RecordEpochs(Guid runId, string? owner, IReadOnlyList<RunEpoch> rows)
    {
        if (rows.Count == 0) return;
        using var db = contexts.CreateDbContext();
        var known = db.RunEpochs.Where(e => e.RunId == runId).Select(e => e.Epoch).ToHashSet();
        db.RunEpochs.AddRange(rows.Where(r => !known.Contains(r.Epoch)));
        db.SaveChanges();
        var epoch = rows.Max(r => r.Epoch);
        db.TrainingRuns.Where(r => r.Id == runId && (owner == null || r.LeaseOwner == owner))
            .ExecuteUpdate(s => s.SetProperty(r => r.Epoch, epoch));
    }

    private void Publish(TrainingRun run, RunStatus status, int epoch) =>
        events.Publish(new RunUpdate(run.Id, status, epoch, run.Epochs));

    private static RunEpoch ToRow(Guid runId, EpochReport r) => new()
    {
        RunId = runId, Epoch = r.Epoch, TrainLoss = r.TrainLoss, TrainRecon = r.TrainReconstruction, TrainKl = r.TrainKl,
        ValLoss = r.ValidationLoss, ValRecon = r.ValidationReconstruction, ValKl = r.ValidationKl,
        Seconds = r.EpochSeconds, ImagesPerSecond = r.ImagesPerSecond,
    };

    /// <summary>Originals on top, reconstructions below, as one PNG.</summary>
    internal static byte[] ReconstructionGrid(Vae model, ImageDataset images)
    {
        var reconstructed = model.Reconstruct(images.Pixels, images.Count);
        var both = new float[2 * images.Pixels.Length];
        images.Pixels.CopyTo(both, 0);
        reconstructed.CopyTo(both, images.Pixels.Length);
        return PngEncoder.Encode(ImageGrid.Compose(both, 2 * images.Count, images.Channels, images.Height, images.Width, images.Count));
    }

    /// <summary>A deterministic split (<see cref="ValidationSplit"/>): the same seed always holds out the same images.</summary>
    internal static (ImageDataset Train, ImageDataset? Validation) Split(ImageDataset all, double validationShare, ulong seed)
    {
        var (train, validation) = ValidationSplit.Indexes(all.Count, validationShare, seed);
        return validation.Length == 0 ? (all, null) : (Take(all, train), Take(all, validation));
    }

    private static ImageDataset Take(ImageDataset all, ReadOnlySpan<int> indices)
    {
        var pixels = new float[indices.Length * all.PixelCount];
        var labels = all.Labels is null ? null : new int[indices.Length];
        for (var i = 0; i < indices.Length; i++)
        {
            all.Image(indices[i]).CopyTo(pixels.AsSpan(i * all.PixelCount));
            if (labels is not null) labels[i] = all.Labels![indices[i]];
        }
        return new ImageDataset(pixels, indices.Length, all.Channels, all.Height, all.Width, labels);
    }
}

/// <summary>A trained model's final figures, per image in nats.</summary>
public sealed record ModelMetrics(
    double TrainLoss, double TrainRecon, double TrainKl, double? ValLoss, double? ValRecon, double? ValKl,
    int Epochs, long Parameters, double TrainingSeconds, bool StoppedEarly);
