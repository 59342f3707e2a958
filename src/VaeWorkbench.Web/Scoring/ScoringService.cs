using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using VaeWorkbench.Engine.Scoring;
using VaeWorkbench.Web.Data;
using VaeWorkbench.Web.Data.Entities;
using VaeWorkbench.Web.Datasets;
using VaeWorkbench.Web.Runs;
using VaeWorkbench.Web.Teams;

namespace VaeWorkbench.Web.Scoring;

/// <summary>Starting score jobs and reading their results. Viewer reads; Editor starts jobs and changes their settings.</summary>
public sealed class ScoringService(AppDbContext db, TeamAccess access, ScoreEvents events, IOptions<ScoringOptions> options, TimeProvider clock)
{
    public async Task<Guid> StartAsync(string userId, Guid modelId, StartScoreRequest request, CancellationToken ct = default)
    {
        var model = await db.TrainedModels.AsNoTracking().FirstOrDefaultAsync(m => m.Id == modelId, ct) ?? throw AccessDeniedException.NotFound("Model");
        await access.RequireAsync(userId, model.TeamId, TeamRole.Editor, "Model", ct);
        var method = AnomalyMethod.Elbo;
        if (request.Method is not null && !AnomalyMethods.TryParse(request.Method, out method))
            throw new RequestRejectedException($"method must be one of {string.Join(", ", AnomalyMethods.ByName.Keys)}, not '{request.Method}'.");
        var k = request.K ?? (method == AnomalyMethod.Iwae ? 50 : 1);
        if (k < 1 || k > options.Value.MaxSamples) throw new RequestRejectedException($"k must be between 1 and {options.Value.MaxSamples}.");
        if (!method.UsesSamples()) k = 1;
        var dataset = await CompatibleDatasetAsync(model, request.DatasetId, ct);
        var job = new ScoreJob
        {
            Id = Guid.NewGuid(), TeamId = model.TeamId, ModelId = model.Id, DatasetId = dataset.Id, Method = method.Name(), K = k,
            Status = ScoreJobStatus.Queued, ThresholdMode = ThresholdRule.Default.Mode.ToString(), ThresholdValue = ThresholdRule.Default.Value,
            CreatedByUserId = userId, CreatedAt = clock.GetUtcNow(),
        };
        db.ScoreJobs.Add(job);
        await db.SaveChangesAsync(ct);
        events.Wake();
        return job.Id;
    }

    public async Task<List<ScoreJobSummary>> ListForModelAsync(string userId, Guid modelId, CancellationToken ct = default)
    {
        var teamId = await db.TrainedModels.Where(m => m.Id == modelId).Select(m => (Guid?)m.TeamId).FirstOrDefaultAsync(ct) ?? throw AccessDeniedException.NotFound("Model");
        await access.RequireAsync(userId, teamId, TeamRole.Viewer, "Model", ct);
        return await SummariesAsync(db.ScoreJobs.Where(j => j.ModelId == modelId), ct);
    }

    public async Task<List<ScoreJobSummary>> ListForTeamAsync(string userId, Guid teamId, CancellationToken ct = default)
    {
        await access.RequireAsync(userId, teamId, TeamRole.Viewer, ct: ct);
        return await SummariesAsync(db.ScoreJobs.Where(j => j.TeamId == teamId), ct);
    }

    public async Task<ScoreJobResult> GetAsync(string userId, Guid jobId, CancellationToken ct = default)
    {
        var job = await FindAsync(userId, jobId, TeamRole.Viewer, ct);
        return await ResultAsync(job, ct);
    }

    /// <summary>Changes the threshold rule and the normal classes; the flagged set and AUROC follow.</summary>
    public async Task<ScoreJobResult> UpdateSettingsAsync(string userId, Guid jobId, ScoreSettingsRequest request, CancellationToken ct = default)
    {
        var job = await FindAsync(userId, jobId, TeamRole.Editor, ct, track: true);
        var rule = ScoreEvaluation.ParseRule(request.ThresholdMode ?? job.ThresholdMode, request.ThresholdValue ?? job.ThresholdValue);
        job.ThresholdMode = rule.Mode.ToString();
        job.ThresholdValue = rule.Value;
        if (request.NormalClasses is { } normal)
        {
            if (normal.Any(c => c < 0)) throw new RequestRejectedException("normalClasses must be class indexes (0 or more).");
            job.NormalClassesJson = JsonSerializer.Serialize(normal.Distinct().Order().ToArray());
            if (job.Status == ScoreJobStatus.Succeeded)
            {
                var rows = await db.ImageScores.AsNoTracking().Where(s => s.ScoreJobId == jobId).OrderBy(s => s.ImageIndex).Select(s => new { s.Score, s.Label }).ToListAsync(ct);
                (job.Auroc, job.AveragePrecision) = ScoreEvaluation.Ranking(rows.Select(r => r.Score).ToList(), rows.Select(r => r.Label).ToList(), normal.ToHashSet());
            }
        }
        await db.SaveChangesAsync(ct);
        return await ResultAsync(job, ct);
    }

    /// <summary>
    /// A ready dataset of the model's team whose images the model takes (same size and channels), for scoring or
    /// evaluating the model on it. The caller has already checked the caller's access to the model.
    /// </summary>
    internal async Task<Dataset> CompatibleDatasetAsync(TrainedModel model, Guid datasetId, CancellationToken ct)
    {
        var dataset = await db.Datasets.AsNoTracking().FirstOrDefaultAsync(d => d.Id == datasetId && d.DeletedAt == null, ct);
        // Another team's dataset is "not found" exactly like a missing one (404, as for every foreign id).
        if (dataset is null || dataset.TeamId != model.TeamId) throw AccessDeniedException.NotFound("Dataset");
        if (dataset.Status != DatasetStatus.Ready) throw new RequestRejectedException($"dataset '{dataset.Name}' is not ready ({dataset.Status}).");
        var training = await db.Datasets.AsNoTracking().SingleAsync(d => d.Id == model.DatasetId, ct);
        if (training.Channels != dataset.Channels || training.ImageSize != dataset.ImageSize)
            throw new RequestRejectedException($"the model takes {training.Channels}-channel {training.ImageSize}px images; dataset '{dataset.Name}' has {dataset.Channels}-channel {dataset.ImageSize}px images.");
        // A conditional model scores and encodes each image at its own class, so the dataset's classes must be the model's.
        if (ModelClasses.Count(model) is > 0 and var classCount)
        {
            var unlabelled = await db.DatasetImages.CountAsync(i => i.DatasetId == dataset.Id && i.Label == null, ct);
            ModelClasses.RequireCompatible(classCount, DatasetMapping.ClassNames(training), dataset.Name, DatasetMapping.ClassNames(dataset), unlabelled);
        }
        return dataset;
    }

    /// <summary>Loads a job and checks the caller's role in its team; "not found" when either fails.</summary>
    internal async Task<ScoreJob> FindAsync(string userId, Guid jobId, TeamRole required, CancellationToken ct, bool track = false)
    {
        var query = track ? db.ScoreJobs : db.ScoreJobs.AsNoTracking();
        var job = await query.FirstOrDefaultAsync(j => j.Id == jobId, ct) ?? throw AccessDeniedException.NotFound("Score job");
        await access.RequireAsync(userId, job.TeamId, required, "Score job", ct);
        return job;
    }

    private async Task<ScoreJobResult> ResultAsync(ScoreJob job, CancellationToken ct)
    {
        var rows = await db.ImageScores.AsNoTracking().Where(s => s.ScoreJobId == job.Id).OrderBy(s => s.ImageIndex).ToListAsync(ct);
        var scores = rows.Select(r => r.Score).ToArray();
        var rule = new ThresholdRule(Enum.Parse<ThresholdMode>(job.ThresholdMode), job.ThresholdValue);
        var threshold = ScoreEvaluation.Threshold(rule, scores);
        var queued = (await db.ReviewQueueItems.AsNoTracking().Where(q => q.ScoreJobId == job.Id).Select(q => q.DatasetImageId).ToListAsync(ct)).ToHashSet();
        var items = rows.Select(r => new ScoredImage(r.DatasetImageId, r.ImageIndex, r.Label, r.Score, threshold is { } t && r.Score > t, queued.Contains(r.DatasetImageId))).ToList();
        var classNames = await db.Datasets.Where(d => d.Id == job.DatasetId).Select(d => d.ClassNamesJson).SingleAsync(ct);
        return new ScoreJobResult(job.Id, job.TeamId, job.ModelId, job.DatasetId, job.Method, job.K, job.Status, job.Progress, job.Error,
            new ThresholdView(job.ThresholdMode, job.ThresholdValue, threshold, items.Count(i => i.Flagged), queued.Count),
            JsonSerializer.Deserialize<int[]>(job.NormalClassesJson) ?? [], JsonSerializer.Deserialize<List<string>>(classNames) ?? [],
            job.Auroc, job.AveragePrecision, items);
    }

    private async Task<List<ScoreJobSummary>> SummariesAsync(IQueryable<ScoreJob> jobs, CancellationToken ct)
    {
        var rows = await jobs.Join(db.Datasets, j => j.DatasetId, d => d.Id, (j, d) => new { Job = j, d.Name }).ToListAsync(ct);
        return [.. rows.OrderByDescending(r => r.Job.CreatedAt).Select(r => new ScoreJobSummary(r.Job.Id, r.Job.ModelId, r.Job.DatasetId, r.Name, r.Job.Method,
            r.Job.K, r.Job.Status, r.Job.Progress, r.Job.Error, r.Job.Auroc, r.Job.AveragePrecision, r.Job.CreatedAt))];
    }
}
