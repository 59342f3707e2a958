using System.Text.Json;
using VaeWorkbench.Web.Runs;

namespace VaeWorkbench.Web.Components.Tests.Infrastructure;

/// <summary>Trained models and augmented sets, as rows: the pages under test read them, no job ever runs.</summary>
public partial class WorkbenchTestContext
{
    /// <summary>A dataset with classes, a queued run on it and the model that run would have left.</summary>
    public async Task<(Guid ModelId, Guid DatasetId)> AddTrainedModelAsync(SignedInUser user, string datasetName = "digits", params string[] classNames)
    {
        var datasetId = await AddReadyDatasetAsync(user, datasetName);
        if (classNames.Length > 0)
            await QueryAsync(async db =>
            {
                (await db.Datasets.FindAsync(datasetId))!.ClassNamesJson = JsonSerializer.Serialize(classNames);
                return await db.SaveChangesAsync();
            });
        var run = await QueueRunAsync(user, datasetId);
        var modelId = Guid.NewGuid();
        await QueryAsync(db =>
        {
            db.TrainedModels.Add(new TrainedModel
            {
                Id = modelId, TeamId = user.TeamId, RunId = run.Id, DatasetId = datasetId, ConfigJson = "{}",
                MetricsJson = JsonSerializer.Serialize(new ModelMetrics(100, 90, 10, null, null, null, 2, 1000, 1, false), JsonSerializerOptions.Web),
                FileHash = "ab" + modelId.ToString("N"), FileBytes = 1000, CreatedAt = DateTimeOffset.UtcNow,
            });
            return db.SaveChangesAsync();
        });
        return (modelId, datasetId);
    }

    /// <summary>A conditional model (its config's class count is the dataset's), on a dataset with these classes.</summary>
    public async Task<(Guid ModelId, Guid DatasetId)> AddConditionalModelAsync(SignedInUser user, params string[] classNames)
    {
        var (modelId, datasetId) = await AddTrainedModelAsync(user, "parts", classNames);
        await QueryAsync(async db =>
        {
            (await db.TrainedModels.FindAsync(modelId))!.ConfigJson = $$"""{"architecture":"mlp","classCount":{{classNames.Length}}}""";
            return await db.SaveChangesAsync();
        });
        return (modelId, datasetId);
    }

    /// <summary>A finished prior-mode set of <paramref name="kept"/> samples, created <paramref name="minutesAgo"/> ago.</summary>
    public Task<Guid> AddAugmentedSetAsync(SignedInUser user, Guid modelId, Guid datasetId, int kept = 200, long seed = 1,
        AugmentedStatus status = AugmentedStatus.Succeeded, string mode = "prior", int minutesAgo = 0) =>
        QueryAsync(async db =>
        {
            var set = new AugmentedSet
            {
                Id = Guid.NewGuid(), TeamId = user.TeamId, ModelId = modelId, ModelFileHash = "ab" + modelId.ToString("N"), DatasetId = datasetId,
                Mode = mode, ParametersJson = $$"""{"count":{{kept}},"temperature":1,"spread":1}""", Seed = seed, FilterJson = "null",
                Status = status, Requested = kept, Generated = kept, Kept = kept, CreatedByUserId = user.UserId,
                CreatedAt = DateTimeOffset.UtcNow.AddMinutes(-minutesAgo),
            };
            db.AugmentedSets.Add(set);
            await db.SaveChangesAsync();
            return set.Id;
        });
}

/// <summary>Score jobs with decisions already taken, for the review page's history.</summary>
public partial class WorkbenchTestContext
{
    /// <summary>
    /// A finished score job over <paramref name="images"/> images of a new dataset (image i scores i), with the first
    /// <paramref name="decided"/> decided in turn Anomaly, Normal, Skip by <paramref name="user"/>, one minute apart.
    /// </summary>
    public async Task<Guid> AddReviewedScoreJobAsync(SignedInUser user, int images, int decided)
    {
        var (modelId, datasetId) = await AddTrainedModelAsync(user, "parts", "bolt", "nut");
        var jobId = Guid.NewGuid();
        await QueryAsync(async db =>
        {
            db.ScoreJobs.Add(new ScoreJob
            {
                Id = jobId, TeamId = user.TeamId, ModelId = modelId, DatasetId = datasetId, Method = "recon", Status = ScoreJobStatus.Succeeded,
                Progress = 1, ThresholdMode = "Percentile", ThresholdValue = 0, CreatedByUserId = user.UserId, CreatedAt = DateTimeOffset.UtcNow,
            });
            var rows = Enumerable.Range(0, images).Select(i => new DatasetImage
            {
                DatasetId = datasetId, Index = i, Label = i % 2, OriginalName = $"img{i}.png", ContentHash = $"{i:x64}",
            }).ToList();
            db.DatasetImages.AddRange(rows);
            await db.SaveChangesAsync();
            db.ImageScores.AddRange(rows.Select(r => new ImageScore { ScoreJobId = jobId, DatasetImageId = r.Id, ImageIndex = r.Index, Label = r.Label, Score = r.Index }));
            var verdicts = new[] { ReviewVerdict.Anomaly, ReviewVerdict.Normal, ReviewVerdict.Skip };
            db.ReviewDecisions.AddRange(rows.Take(decided).Select(r => new ReviewDecision
            {
                ScoreJobId = jobId, DatasetImageId = r.Id, Decision = verdicts[r.Index % 3], ReviewerUserId = user.UserId,
                Note = r.Index == 4 ? "torn seam" : null, DecidedAt = DateTimeOffset.UtcNow.AddMinutes(-r.Index),
            }));
            return await db.SaveChangesAsync();
        });
        return jobId;
    }
}
