using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using VaeWorkbench.Web.Datasets;
using VaeWorkbench.Web.Audit;
using VaeWorkbench.Web.Data;
using VaeWorkbench.Web.Data.Entities;
using VaeWorkbench.Web.Labels;
using VaeWorkbench.Web.Storage;
using VaeWorkbench.Web.Teams;

namespace VaeWorkbench.Web.Runs;

public sealed record RunSummary(
    Guid Id, Guid DatasetId, string DatasetName, RunStatus Status, int Epoch, int Epochs,
    string Arch, double? FinalTrainLoss, double? FinalValLoss, string? Error, Guid? ModelId,
    DateTimeOffset CreatedAt, DateTimeOffset? FinishedAt, int? QueuePosition,
    string Name = "", IReadOnlyList<string>? Tags = null, string Notes = "");

public sealed record EpochPoint(int Epoch, double TrainLoss, double? ValLoss, double Recon, double Kl, double? ValRecon, double? ValKl, double Seconds, double ImagesPerSecond);

public sealed record RunDetails(RunSummary Summary, RunSettings Settings, IReadOnlyList<EpochPoint> History, Guid TeamId);

/// <summary>The columns a page of runs can be sorted by.</summary>
public enum RunSort { Created, Status, Dataset, Epoch, TrainLoss, ValLoss }

/// <summary>
/// One page of a team's runs: filters (all optional) narrow the runs, then they are sorted and <see cref="Take"/> rows
/// after <see cref="Skip"/> are returned. <see cref="Text"/> matches the dataset name or the architecture.
/// </summary>
public sealed record RunQuery(
    int Skip = 0, int Take = 20, RunSort Sort = RunSort.Created, bool Descending = true,
    RunStatus? Status = null, Guid? DatasetId = null, string? Text = null, string? Tag = null);

public sealed record RunPage(List<RunSummary> Items, int TotalCount);

/// <summary>Creating, reading and cancelling training runs. Every call checks the caller's role in the run's team.</summary>
public sealed class RunService(AppDbContext db, TeamAccess access, TrainingJobSignal signal, IOptions<TrainingJobOptions> options, TimeProvider clock, AuditLog audit, BlobStore blobs)
{
    /// <summary>camelCase with enums as names ("mlp", "bernoulli"), for settings, configs and metrics stored as JSON.</summary>
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    /// <summary>
    /// Queues a run in the team that owns the dataset; the caller must be an Editor there. With a submission key, a
    /// repeated submission (even a concurrent one) returns the run the first created instead of queueing another.
    /// </summary>
    public async Task<RunSummary> CreateAsync(string userId, RunSettings settings, string? submissionKey = null, CancellationToken ct = default)
    {
        RunSubmissionKey.Validate(submissionKey);
        if (RunSettingsRules.Validate(settings) is { Count: > 0 } invalid) throw new InvalidFieldsException(invalid);
        var dataset = await db.Datasets.FirstOrDefaultAsync(d => d.Id == settings.DatasetId && d.DeletedAt == null, ct)
            ?? throw AccessDeniedException.NotFound("Dataset");
        var teamId = dataset.TeamId;
        await access.RequireAsync(userId, teamId, TeamRole.Editor, "Dataset", ct);
        if (dataset.Status != DatasetStatus.Ready)
            throw new RequestRejectedException($"Dataset '{dataset.Name}' is {dataset.Status}, not ready for training.");
        var classCount = DatasetMapping.ClassNames(dataset).Count;
        if (RunSettingsRules.ValidateForDataset(settings, dataset.Name, classCount) is { Count: > 0 } refused) throw new InvalidFieldsException(refused);
        // A conditional model trains on each image's class: an image without one would fail the run at its first batch.
        if (settings.Conditional && await db.DatasetImages.CountAsync(i => i.DatasetId == dataset.Id && i.Label == null, ct) is > 0 and var unlabelled)
            throw new InvalidFieldsException(new Dictionary<string, string[]>
            {
                ["conditional"] = [$"needs every image's class: {(unlabelled == 1 ? "1 image" : $"{unlabelled:N0} images")} of dataset '{dataset.Name}' "
                    + $"{(unlabelled == 1 ? "has" : "have")} none (images outside the class folders)"],
            });
        int epochs;
        try
        {
            epochs = settings.ToEngine(dataset.Channels, dataset.ImageSize, options.Value.ResolveThreads(settings.Threads), classCount).Options.Epochs;
        }
        catch (ArgumentException e)
        {
            throw new RequestRejectedException(e.Message);
        }
        var validationCount = (int)Math.Round(dataset.ImageCount * settings.ValidationSplit);
        if (dataset.ImageCount - validationCount < 1)
            throw new RequestRejectedException($"Dataset '{dataset.Name}' has {dataset.ImageCount} images; after the validation split none are left to train on.");

        var settingsJson = JsonSerializer.Serialize(settings, Json);
        if (submissionKey is not null && await SubmittedRunAsync(userId, submissionKey, settingsJson, ct) is { } earlier) return earlier;

        var now = clock.GetUtcNow();
        var number = await db.TrainingRuns.CountAsync(r => r.TeamId == teamId, ct) + 1;
        var run = new TrainingRun
        {
            Id = Guid.NewGuid(), TeamId = teamId, Name = ReadableNames.Next(number), DatasetId = dataset.Id, SettingsJson = settingsJson,
            Status = RunStatus.Queued, Epochs = epochs, CreatedByUserId = userId, CreatedAt = now, QueueOrder = now.UtcTicks,
        };
        db.TrainingRuns.Add(run);
        if (submissionKey is not null) db.RunSubmissions.Add(new RunSubmission { UserId = userId, Key = submissionKey, RunId = run.Id });
        audit.Add(teamId, userId, AuditActions.RunStarted, "Run", run.Id, new { datasetId = dataset.Id, epochs });
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (submissionKey is not null && DatabaseErrors.IsDuplicateKey(e))
        {
            // The same submission raced this one and committed first (the run, its key and its audit entry are one
            // transaction, so nothing of this attempt is stored): answer with that run.
            db.ChangeTracker.Clear();
            return await SubmittedRunAsync(userId, submissionKey, settingsJson, ct)
                ?? throw new InvalidOperationException("The submission key conflicted, but no run holds it.", e);
        }
        signal.Wake();
        return (await SummariesAsync(db.TrainingRuns.Where(r => r.Id == run.Id), ct)).Single();
    }

    /// <summary>The run an earlier submission with this key created, or null; the key must not be reused for other settings.</summary>
    private async Task<RunSummary?> SubmittedRunAsync(string userId, string submissionKey, string settingsJson, CancellationToken ct)
    {
        var earlier = await db.RunSubmissions.Where(s => s.UserId == userId && s.Key == submissionKey)
            .Join(db.TrainingRuns, s => s.RunId, r => r.Id, (s, r) => new { r.Id, r.SettingsJson }).FirstOrDefaultAsync(ct);
        if (earlier is null) return null;
        if (earlier.SettingsJson != settingsJson)
            throw new RequestRejectedException($"This {RunSubmissionKey.Header} was already used for a run with other settings; send a new key for a new run.");
        return (await SummariesAsync(db.TrainingRuns.Where(r => r.Id == earlier.Id), ct)).Single();
    }

    public async Task<RunDetails> GetAsync(string userId, Guid runId, CancellationToken ct = default)
    {
        var run = await db.TrainingRuns.AsNoTracking().FirstOrDefaultAsync(r => r.Id == runId, ct) ?? throw AccessDeniedException.NotFound("Run");
        await access.RequireAsync(userId, run.TeamId, TeamRole.Viewer, "Run", ct);
        var summary = (await SummariesAsync(db.TrainingRuns.Where(r => r.Id == runId), ct)).Single();
        var history = await db.RunEpochs.Where(e => e.RunId == runId).OrderBy(e => e.Epoch)
            .ToListAsync(ct);
        return new RunDetails(summary, ParseSettings(run.SettingsJson), history.Select(RunCurves.ToPoint).ToList(), run.TeamId);
    }

    /// <summary>
    /// The reconstruction grid kept when the run ended (PNG), or null when it has none (still running, never finished an
    /// epoch, or finished before grids were kept). Viewer of the run's team; another team's run is not found.
    /// </summary>
    public async Task<byte[]?> FinalReconstructionAsync(string userId, Guid runId, CancellationToken ct = default)
    {
        var run = await db.TrainingRuns.AsNoTracking().Where(r => r.Id == runId).Select(r => new { r.TeamId, r.FinalReconstructionHash })
            .FirstOrDefaultAsync(ct) ?? throw AccessDeniedException.NotFound("Run");
        await access.RequireAsync(userId, run.TeamId, TeamRole.Viewer, "Run", ct);
        return run.FinalReconstructionHash is { } hash && blobs.Exists(hash) ? blobs.ReadAllBytes(hash) : null;
    }

    /// <summary>The team's runs, newest first; <paramref name="text"/> and <paramref name="tag"/> filter as <see cref="LabelRules.Filter"/> does.</summary>
    public async Task<List<RunSummary>> ListAsync(string userId, Guid teamId, CancellationToken ct = default, string? text = null, string? tag = null)
    {
        await access.RequireAsync(userId, teamId, TeamRole.Viewer, ct: ct);
        return await SummariesAsync(LabelRules.Filter(db.TrainingRuns.Where(r => r.TeamId == teamId), db, text, tag).OrderByDescending(r => r.CreatedAt), ct);
    }

    /// <summary>Renames, re-tags or annotates a run (Editor or Owner of its team).</summary>
    public Task<LabelsResponse> UpdateLabelsAsync(string userId, Guid runId, LabelPatch patch, CancellationToken ct = default) =>
        LabelUpdates.UpdateAsync<TrainingRun>(db, access, audit, userId, runId, patch, LabelledKind.Run, ct);

    /// <summary>Every tag on the team's runs, for the list's tag filter (Viewer).</summary>
    public async Task<List<string>> TagsAsync(string userId, Guid teamId, CancellationToken ct = default)
    {
        await access.RequireAsync(userId, teamId, TeamRole.Viewer, ct: ct);
        return await LabelRules.KnownTagsAsync(db.TrainingRuns.Where(r => r.TeamId == teamId), ct);
    }

    /// <summary>A page of the team's runs, filtered and sorted in the database; the total counts every run the filters let through.</summary>
    public async Task<RunPage> PageAsync(string userId, Guid teamId, RunQuery query, CancellationToken ct = default)
    {
        await access.RequireAsync(userId, teamId, TeamRole.Viewer, ct: ct);
        var runs = LabelRules.WithTag(db.TrainingRuns.Where(r => r.TeamId == teamId), query.Tag);
        if (query.Status is { } status) runs = runs.Where(r => r.Status == status);
        if (query.DatasetId is { } datasetId) runs = runs.Where(r => r.DatasetId == datasetId);
        if (!string.IsNullOrWhiteSpace(query.Text))
        {
            var text = query.Text.Trim().ToLower();
            // The architecture lives only in the settings JSON, always written as "arch":"<name>" (RunService.Json).
            var archPrefix = "\"arch\":\"" + text;
            runs = runs.Where(r => r.Name.ToLower().Contains(text) || r.Notes.ToLower().Contains(text)
                || r.Dataset!.Name.ToLower().Contains(text) || r.SettingsJson.Contains(archPrefix));
        }
        var total = await runs.CountAsync(ct);
        var sorted = Sort(runs, query.Sort, query.Descending);
        var page = await SummariesAsync(sorted.Skip(Math.Max(0, query.Skip)).Take(Math.Clamp(query.Take, 1, 200)), ct);
        return new RunPage(page, total);
    }

    private static IQueryable<TrainingRun> Sort(IQueryable<TrainingRun> runs, RunSort sort, bool descending)
    {
        IOrderedQueryable<TrainingRun> By<TKey>(System.Linq.Expressions.Expression<Func<TrainingRun, TKey>> key) =>
            descending ? runs.OrderByDescending(key) : runs.OrderBy(key);
        var ordered = sort switch
        {
            RunSort.Status => By(r => r.Status),
            RunSort.Dataset => By(r => r.Dataset!.Name),
            RunSort.Epoch => By(r => r.Epoch),
            RunSort.TrainLoss => By(r => r.History.OrderByDescending(e => e.Epoch).Select(e => (double?)e.TrainLoss).FirstOrDefault()),
            RunSort.ValLoss => By(r => r.History.OrderByDescending(e => e.Epoch).Select(e => e.ValLoss).FirstOrDefault()),
            _ => By(r => r.CreatedAt),
        };
        // Newest first among equals, so a page boundary never splits ties differently between two requests.
        return ordered.ThenByDescending(r => r.CreatedAt).ThenBy(r => r.Id);
    }

    /// <summary>A queued run is cancelled at once; a running one stops at its next heartbeat (within seconds).</summary>
    public async Task<RunSummary> CancelAsync(string userId, Guid runId, CancellationToken ct = default)
    {
        var run = await db.TrainingRuns.AsNoTracking().FirstOrDefaultAsync(r => r.Id == runId, ct) ?? throw AccessDeniedException.NotFound("Run");
        await access.RequireAsync(userId, run.TeamId, TeamRole.Editor, "Run", ct);
        var now = clock.GetUtcNow();
        var dequeued = await db.TrainingRuns.Where(r => r.Id == runId && r.Status == RunStatus.Queued)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.Status, RunStatus.Cancelled).SetProperty(r => r.FinishedAt, now), ct);
        if (dequeued == 0)
        {
            var flagged = await db.TrainingRuns.Where(r => r.Id == runId && r.Status == RunStatus.Running)
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.CancelRequested, true), ct);
            if (flagged == 0) throw new RequestRejectedException($"The run has already finished ({run.Status}).");
        }
        await audit.RecordAsync(run.TeamId, userId, AuditActions.RunCancelled, "Run", run.Id, ct: ct);
        signal.Wake();
        return (await SummariesAsync(db.TrainingRuns.Where(r => r.Id == runId), ct)).Single();
    }

    /// <summary>Ready datasets of the team that a new run can train on.</summary>
    public async Task<List<(Guid Id, string Name, int ImageCount, int ImageSize, int Channels, int ClassCount)>> TrainableDatasetsAsync(string userId, Guid teamId, CancellationToken ct = default)
    {
        await access.RequireAsync(userId, teamId, TeamRole.Viewer, ct: ct);
        var rows = await db.Datasets.Where(d => d.TeamId == teamId && d.DeletedAt == null && d.Status == DatasetStatus.Ready)
            .OrderBy(d => d.Name).ToListAsync(ct);
        return rows.Select(d => (d.Id, d.Name, d.ImageCount, d.ImageSize, d.Channels, DatasetMapping.ClassNames(d).Count)).ToList();
    }

    internal static RunSettings ParseSettings(string json) => JsonSerializer.Deserialize<RunSettings>(json, Json)
        ?? throw new InvalidOperationException("A run's stored settings are empty.");

    /// <summary>Summaries of <paramref name="runs"/> in the order the query gives them.</summary>
    private async Task<List<RunSummary>> SummariesAsync(IQueryable<TrainingRun> runs, CancellationToken ct)
    {
        var rows = await runs
            .Select(r => new
            {
                Run = r,
                DatasetName = r.Dataset!.Name,
                Last = r.History.OrderByDescending(e => e.Epoch).Select(e => new { e.TrainLoss, e.ValLoss }).FirstOrDefault(),
                ModelId = db.TrainedModels.Where(m => m.RunId == r.Id).Select(m => (Guid?)m.Id).FirstOrDefault(),
            })
            .ToListAsync(ct);
        var queued = await db.TrainingRuns.Where(r => r.Status == RunStatus.Queued).OrderBy(r => r.QueueOrder).Select(r => r.Id).ToListAsync(ct);
        return rows.Select(x =>
        {
            var position = queued.IndexOf(x.Run.Id);
            return new RunSummary(x.Run.Id, x.Run.DatasetId, x.DatasetName, x.Run.Status, x.Run.Epoch, x.Run.Epochs,
                ParseSettings(x.Run.SettingsJson).Arch, x.Last?.TrainLoss, x.Last?.ValLoss, x.Run.Error, x.ModelId,
                x.Run.CreatedAt, x.Run.FinishedAt, position >= 0 ? position + 1 : null,
                x.Run.Name, LabelRules.ReadTags(x.Run.TagsJson), x.Run.Notes);
        }).ToList();
    }
}

/// <summary>Wakes the training queue when a run is queued.</summary>
public sealed class TrainingJobSignal : Jobs.JobSignal;
