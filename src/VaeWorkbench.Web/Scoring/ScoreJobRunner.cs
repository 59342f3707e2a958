using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using VaeWorkbench.Engine.Data;
using VaeWorkbench.Engine.Model;
using VaeWorkbench.Engine.Scoring;
using VaeWorkbench.Imaging.Formats.Png;
using VaeWorkbench.Web.Data;
using VaeWorkbench.Web.Data.Entities;
using VaeWorkbench.Web.Datasets;
using VaeWorkbench.Web.Faults;
using VaeWorkbench.Web.Jobs;
using VaeWorkbench.Web.Runs;
using VaeWorkbench.Web.Storage;

namespace VaeWorkbench.Web.Scoring;

/// <summary>
/// Scores every image of a claimed job's dataset. The latent method's reference Gaussian is fitted to μ of the model's
/// training dataset (all of it, validation part included). Scores are stored in one transaction at the end.
/// </summary>
public sealed class ScoreJobRunner(
    IDbContextFactory<AppDbContext> contexts,
    BlobStore blobs,
    ModelCache models,
    ScoreEvents events,
    IOptions<ScoringOptions> options,
    DatasetMemoryOptions memory,
    Failpoints faults,
    ILogger<ScoreJobRunner> logger)
{
    private const int Chunk = 1024; // progress and lease renewal between chunks; other users' inference interleaves
    private const ulong Seed = 1;

    public async Task RunAsync(JobLease<ScoreJob, ScoreJobStatus> lease)
    {
        var jobId = lease.Id;
        var stopping = lease.Token;
        ScoreJob job;
        await using (var db = await contexts.CreateDbContextAsync(CancellationToken.None))
            job = await db.ScoreJobs.AsNoTracking().SingleAsync(j => j.Id == jobId, CancellationToken.None);
        try
        {
            if (!AnomalyMethods.TryParse(job.Method, out var method)) throw new InvalidOperationException($"unknown method '{job.Method}'");
            Dataset dataset, trainingDataset;
            TrainedModel model;
            List<(long Id, int Index, int? Label)> images;
            await using (var db = await contexts.CreateDbContextAsync(stopping))
            {
                model = await db.TrainedModels.AsNoTracking().SingleAsync(m => m.Id == job.ModelId, stopping);
                dataset = await db.Datasets.AsNoTracking().SingleAsync(d => d.Id == job.DatasetId, stopping);
                trainingDataset = await db.Datasets.AsNoTracking().SingleAsync(d => d.Id == model.DatasetId, stopping);
                images = (await db.DatasetImages.AsNoTracking().Where(i => i.DatasetId == dataset.Id)
                    .Select(i => new { i.Id, i.Index, i.Label }).ToListAsync(stopping)).Select(i => (i.Id, i.Index, i.Label)).ToList();
            }
            using var owned = new SourceScope();
            var data = owned.Add(DatasetTensorLoader.Open(blobs, dataset, memory.Current, m => logger.LogInformation("Score job {JobId}: {Message}", jobId, m)));
            var scores = new double[data.Count];
            LatentGaussian? latent = null;
            if (method == AnomalyMethod.Latent)
            {
                var reference = trainingDataset.Id == dataset.Id ? data
                    : owned.Add(DatasetTensorLoader.Open(blobs, trainingDataset, memory.Current, m => logger.LogInformation("Score job {JobId}: {Message}", jobId, m)));
                latent = await models.UseAsync(model.FileHash, loaded =>
                {
                    using var threads = UseThreads(loaded.Model);
                    return new AnomalyScorer(loaded.Model).FitLatent(reference);
                }, stopping);
            }
            var pixels = new float[(long)Math.Min(Chunk, data.Count) * data.PixelCount];
            var progress = new JobProgress(TimeSpan.FromMilliseconds(options.Value.ProgressMilliseconds), TimeSpan.FromSeconds(options.Value.ProgressWriteSeconds),
                TimeProvider.System, p => events.Publish(new ScoreUpdate(jobId, ScoreJobStatus.Running, p)));
            // Through the lease: a job this server no longer holds writes nothing.
            async Task WriteProgressAsync(double p)
            {
                await using var db = await contexts.CreateDbContextAsync(CancellationToken.None);
                await lease.UpdateAsync(db, u => u.Set(j => j.Progress, p));
            }
            for (var start = 0; start < data.Count; start += Chunk)
            {
                stopping.ThrowIfCancellationRequested();
                var n = Math.Min(Chunk, data.Count - start);
                data.ReadRange(start, n, pixels);
                var first = start;
                var scoring = models.UseAsync(model.FileHash, loaded =>
                {
                    using var threads = UseThreads(loaded.Model);
                    var c = loaded.Model.Config;
                    var scorer = new AnomalyScorer(loaded.Model)
                    {
                        Latent = latent,
                        CompressedLength = image => PngCompressedLength.Nats(image, c.Channels, c.Height, c.Width),
                    };
                    // A conditional model scores each image at its own class.
                    return scorer.Score(pixels.AsSpan(0, n * data.PixelCount), n, method, job.K, Seed + (ulong)first,
                        done => progress.Report((double)(first + done) / data.Count), loaded.Model.ClassesOf(data, first, n));
                }, stopping);
                var chunk = await progress.WhileAsync(scoring, WriteProgressAsync);
                chunk.CopyTo(scores, start);
                faults.Reach(Failpoints.ScoreChunk, stopping);
                progress.Report((double)(start + n) / data.Count);
                await progress.FlushAsync(WriteProgressAsync);
            }
            if (scores.Any(s => !double.IsFinite(s))) throw new InvalidOperationException("the model produced a non-finite score (NaN or infinity)");
            if (await StoreAsync(job, lease, images, scores)) events.Publish(new ScoreUpdate(jobId, ScoreJobStatus.Succeeded, 1));
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Shutting down: release the claim so the next start (or another server) scores it again at once.
            // A lost lease needs nothing: the job is another server's now.
            if (lease.Stop == JobStop.Shutdown) await lease.ReleaseAsync();
        }
        // A lost database is not this job's fault: it goes up to LeasedJobQueue, which stops the job to be taken up again.
        catch (Exception e) when (!DatabaseErrors.IsTransient(e))
        {
            logger.LogError(e, "Score job {JobId} failed", jobId);
            if (await lease.FailAsync(ScoreJobStatus.Failed, e.Message)) events.Publish(new ScoreUpdate(jobId, ScoreJobStatus.Failed, 0, e.Message));
        }
    }

    // The cached model is shared; its thread count is restored after this job's call.
    private ThreadScope UseThreads(Engine.Model.Vae model) =>
        new(model, options.Value.Threads > 0 ? options.Value.Threads : Environment.ProcessorCount);

    private readonly struct ThreadScope : IDisposable
    {
        private readonly Engine.Model.Vae _model;
        private readonly int _previous;

        public ThreadScope(Engine.Model.Vae model, int threads)
        {
            _model = model;
            _previous = model.Threads;
            model.Threads = threads;
        }

        public void Dispose() => _model.Threads = _previous;
    }

    /// <summary>Stores the scores and completes the job in one transaction, only while this server holds the job.</summary>
    private async Task<bool> StoreAsync(ScoreJob job, JobLease<ScoreJob, ScoreJobStatus> lease, List<(long Id, int Index, int? Label)> images, double[] scores)
    {
        if (images.Count != scores.Length) throw new InvalidOperationException($"the dataset lists {images.Count} images but its tensor holds {scores.Length}");
        var normal = JsonSerializer.Deserialize<int[]>(job.NormalClassesJson) ?? [];
        var ordered = images.OrderBy(i => i.Index).ToList();
        var (auroc, ap) = ScoreEvaluation.Ranking(scores, ordered.Select(i => i.Label).ToList(), normal);
        await using var db = await contexts.CreateDbContextAsync();
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        await using var transaction = await db.Database.BeginTransactionAsync();
        await db.ImageScores.Where(s => s.ScoreJobId == job.Id).ExecuteDeleteAsync();
        db.ImageScores.AddRange(ordered.Select(i => new ImageScore { ScoreJobId = job.Id, DatasetImageId = i.Id, ImageIndex = i.Index, Label = i.Label, Score = scores[i.Index] }));
        await db.SaveChangesAsync();
        // Without the lease nothing commits: the rows above roll back, so a late duplicate leaves no second result set.
        if (!await lease.CompleteAsync(db, ScoreJobStatus.Succeeded, u => u.Set(j => j.Progress, 1.0).Set(j => j.Auroc, auroc).Set(j => j.AveragePrecision, ap))) return false;
        await transaction.CommitAsync();
        return true;
    }
}
