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
using VaeWorkbench.Web.Faults;
using VaeWorkbench.Web.Jobs;
using VaeWorkbench.Web.Options;
using VaeWorkbench.Web.Storage;

namespace VaeWorkbench.Web.Runs;

/// <summary>
/// Runs one claimed training job to its end: loads the dataset's packed tensor, resumes from the run's checkpoint if
/// there is one, checkpoints after every epoch (atomic rename) before recording the epoch, and publishes progress.
/// When the host shuts down (SIGTERM) it stops between two batches and checkpoints that place, so the next start
/// continues mid-epoch exactly where this one stopped.
/// </summary>
public sealed class TrainingJobRunner(
    IDbContextFactory<AppDbContext> contexts,
    BlobStore blobs,
    RunEvents events,
    IOptions<TrainingJobOptions> jobOptions,
    IOptions<StorageOptions> storage,
    DatasetMemoryOptions memory,
    TimeProvider clock,
    Failpoints faults,
    Cluster.JobMetrics metrics,
    ILogger<TrainingJobRunner> logger)
{
    private const int PreviewImages = 8;
    private const int ProgressIntervalMs = 500;

    public string CheckpointPath(Guid runId) =>
        Path.Combine(storage.Value.ResolveCheckpointDirectory(), $"{runId:N}.vae");

    /// <summary>Trains a claimed run; the lease's heartbeat turns a cancel request (or a lost lease) into a stop of the training loop.</summary>
    public async Task RunAsync(JobLease<TrainingRun, RunStatus> lease)
    {
        var runId = lease.Id;
        var owner = lease.Owner;
        Trainer? trainer = null;
        var checkpoint = CheckpointPath(runId);
        TrainingRun run;
        Dataset dataset;
        await using (var db = await contexts.CreateDbContextAsync(CancellationToken.None))
        {
            run = await db.TrainingRuns.AsNoTracking().SingleAsync(r => r.Id == runId, CancellationToken.None);
            dataset = await db.Datasets.AsNoTracking().SingleAsync(d => d.Id == run.DatasetId, CancellationToken.None);
        }

        using var sources = new SourceScope();
        try
        {
            var settings = RunService.ParseSettings(run.SettingsJson);
            var (config, options) = settings.ToEngine(dataset.Channels, dataset.ImageSize, jobOptions.Value.ResolveThreads(settings.Threads), DatasetMapping.ClassNames(dataset).Count);
            var all = sources.Add(DatasetTensorLoader.Open(blobs, dataset, memory.Current, m => logger.LogInformation("Run {RunId}: {Message}", runId, m)));
            var (train, validation) = Split(all, settings.ValidationSplit, options.Seed);
            var shown = validation ?? train;
            var preview = shown.Select([.. Enumerable.Range(0, Math.Min(PreviewImages, shown.Count))]);

            Directory.CreateDirectory(Path.GetDirectoryName(checkpoint)!);
            trainer = await ResumeOrStartAsync(run, checkpoint, config, options);
            Publish(run, RunStatus.Running, trainer.EpochsCompleted);

            trainer.EpochCompleted += report =>
            {
                // Another server may resume this run from the shared checkpoint (its lease was lost, or could not be renewed
                // while the database was unreachable): do not overwrite it with this copy's state.
                lease.ThrowIfLeaseLost();
                ModelFile.Save(checkpoint, trainer.Model, trainer, () => faults.Reach(Failpoints.CheckpointRename));
                var row = ToRow(runId, report);
                lease.RetryWhileHeld(() => RecordEpochs(runId, owner, [row]));
                metrics.EpochTrained(train.Count, report.ImagesPerSecond);
                events.Publish(new RunUpdate(runId, RunStatus.Running, report.Epoch, run.Epochs, row, ReconstructionGrid(trainer.Model, preview)));
            };
            // Step progress reaches pages a few times a second at most, however short the steps are.
            var lastProgress = DateTime.UtcNow;
            trainer.BatchCompleted += (done, total) =>
            {
                faults.Reach(Failpoints.TrainingBatch, lease.Token);
                if (done < total && (DateTime.UtcNow - lastProgress).TotalMilliseconds < ProgressIntervalMs) return;
                lastProgress = DateTime.UtcNow;
                events.Publish(new RunUpdate(runId, RunStatus.Running, trainer.EpochsCompleted, run.Epochs, EpochFraction: (double)done / total));
            };
            logger.LogInformation("Run {RunId}: training {Arch} on {Count} images from epoch {Epoch} of {Epochs}",
                runId, settings.Arch, train.Count, trainer.EpochsCompleted + 1, options.Epochs);
            trainer.Run(train, validation, lease.Token);
            await FinishAsync(run, lease, trainer, checkpoint, preview);
        }
        catch (OperationCanceledException) when (lease.Token.IsCancellationRequested)
        {
            if (lease.Stop == JobStop.CancelRequested) await EndAsync(run, lease, RunStatus.Cancelled, null);
            else if (lease.Stop == JobStop.LeaseLost) logger.LogWarning("Run {RunId}: another server took over the job; stopping here", runId);
            else
            {
                SaveShutdownCheckpoint(runId, trainer, checkpoint);
                await ReleaseForRestartAsync(lease);
            }
        }
        // A lost database is not this job's fault: it goes up to LeasedJobQueue, which stops the job to be taken up again.
        catch (Exception e) when (!DatabaseErrors.IsTransient(e))
        {
            // A NaN loss, a bad setting or a broken file fails this run only; the server and other runs go on.
            logger.LogError(e, "Run {RunId} failed", runId);
            await EndAsync(run, lease, RunStatus.Failed, e.Message);
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
                logger.LogInformation("Run {RunId}: resuming from the checkpoint after epoch {Epoch} and {Batches} batches of the next",
                    run.Id, trainer.EpochsCompleted, trainer.PartialEpoch?.BatchesDone ?? 0);
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

    private async Task FinishAsync(TrainingRun run, JobLease<TrainingRun, RunStatus> lease, Trainer trainer, string checkpoint, ImageDataset preview)
    {
        // The final model's grid (the last epoch's, or the restored best weights' after early stopping) stays with the run.
        var gridHash = blobs.Put(ReconstructionGrid(trainer.Model, preview));
        var temp = blobs.NewTempPath(".vae");
        ModelFile.Save(temp, trainer.Model, trainer);
        var bytes = new FileInfo(temp).Length;
        var hash = await blobs.PutFileAsync(temp);
        faults.Reach(Failpoints.ModelCommit);
        var last = trainer.History[^1];
        var metrics = new ModelMetrics(last.TrainLoss, last.TrainReconstruction, last.TrainKl, last.ValidationLoss, last.ValidationReconstruction,
            last.ValidationKl, trainer.EpochsCompleted, trainer.Model.ParameterCount, trainer.History.Sum(h => h.EpochSeconds), trainer.StoppedEarly);

        await using var db = await contexts.CreateDbContextAsync();
        await using var transaction = await db.Database.BeginTransactionAsync();
        var now = clock.GetUtcNow();
        // Completing is conditional on the lease: a duplicate worker that lost it records nothing (and the unique index
        // on RunId refuses a second model even then).
        if (!await lease.CompleteAsync(db, RunStatus.Succeeded, u => u.Set(r => r.Epoch, trainer.EpochsCompleted).Set(r => r.FinalReconstructionHash, gridHash))) return;
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

    private async Task EndAsync(TrainingRun run, JobLease<TrainingRun, RunStatus> lease, RunStatus status, string? error)
    {
        await using var db = await contexts.CreateDbContextAsync();
        // A cancelled or failed run keeps the grid of its last finished epoch, if this server drew one.
        var gridHash = events.LatestReconstruction(run.Id) is { } png ? blobs.Put(png) : null;
        if (!await lease.CompleteAsync(db, status, u =>
            {
                u.Set(r => r.Error, error);
                if (gridHash is not null) u.Set(r => r.FinalReconstructionHash, gridHash);
            })) return;
        var checkpoint = CheckpointPath(run.Id);
        if (File.Exists(checkpoint)) File.Delete(checkpoint);
        var epoch = await db.TrainingRuns.Where(r => r.Id == run.Id).Select(r => r.Epoch).SingleAsync();
        events.Publish(new RunUpdate(run.Id, status, epoch, run.Epochs, Error: error));
        events.Forget(run.Id);
    }

    /// <summary>
    /// A shutdown stopped the trainer between two batches: keep that place, so the next start continues from it instead
    /// of repeating the epoch. At an epoch boundary the epoch's own checkpoint already says the same.
    /// </summary>
    private void SaveShutdownCheckpoint(Guid runId, Trainer? trainer, string checkpoint)
    {
        if (trainer?.PartialEpoch is not { } partial) return;
        ModelFile.Save(checkpoint, trainer.Model, trainer);
        logger.LogInformation("Run {RunId}: checkpoint written for shutdown after epoch {Epoch} and {Batches} batches of the next",
            runId, trainer.EpochsCompleted, partial.BatchesDone);
    }

    /// <summary>On shutdown the run stays Running without a lease, so the next start resumes it at once.</summary>
    private async Task ReleaseForRestartAsync(JobLease<TrainingRun, RunStatus> lease)
    {
        await lease.ReleaseAsync();
        logger.LogInformation("Run {RunId}: stopped for shutdown; it resumes from its last checkpoint on the next start", lease.Id);
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
        var reconstructed = model.Reconstruct(images.Pixels, images.Count, model.Conditional ? images.Labels : default);
        var both = new float[2 * images.Pixels.Length];
        images.Pixels.CopyTo(both, 0);
        reconstructed.CopyTo(both, images.Pixels.Length);
        return PngEncoder.Encode(ImageGrid.Compose(both, 2 * images.Count, images.Channels, images.Height, images.Width, images.Count));
    }

    /// <summary>
    /// A deterministic split (<see cref="ValidationSplit"/>): the same seed always holds out the same images. Both parts
    /// are views of the set (no copy), so a set read from shards stays on disk.
    /// </summary>
    internal static (IImageSource Train, IImageSource? Validation) Split(IImageSource all, double validationShare, ulong seed)
    {
        var (train, validation) = ValidationSplit.Indexes(all.Count, validationShare, seed);
        return validation.Length == 0 ? (all, null) : (new ImageSubset(all, train), new ImageSubset(all, validation));
    }
}

/// <summary>A trained model's final figures, per image in nats.</summary>
public sealed record ModelMetrics(
    double TrainLoss, double TrainRecon, double TrainKl, double? ValLoss, double? ValRecon, double? ValKl,
    int Epochs, long Parameters, double TrainingSeconds, bool StoppedEarly);
