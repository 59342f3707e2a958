using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using VaeWorkbench.Imaging.Datasets;
using VaeWorkbench.Web.Cluster;
using VaeWorkbench.Web.Data;
using VaeWorkbench.Web.Data.Entities;
using VaeWorkbench.Web.Options;
using VaeWorkbench.Web.Teams;

namespace VaeWorkbench.Web.Datasets;

/// <summary>
/// Creates a dataset from uploaded files, as a job: checks the request, moves the received files into the import's
/// staging folder, records the dataset Queued with what to read, and waits (up to <c>Datasets:ImportWaitSeconds</c>) for
/// the outcome. On a node that runs jobs the import starts at once on this node; on a web node a worker claims it. The
/// answer is as it always was: the dataset with its report, a refusal (<see cref="RequestRejectedException"/>, with
/// nothing kept), or a failure kept as a Failed dataset (<see cref="DatasetImportFailedException"/>); or, when the wait
/// ends first, the dataset still Queued or Importing.
/// </summary>
public sealed class DatasetImportService(
    AppDbContext db, TeamAccess access, ImportStaging staging, DatasetImportQueue queue, ImportEvents events, IOptions<DatasetOptions> options,
    IOptions<NodeOptions> node, TimeProvider clock, ILogger<DatasetImportService> logger)
{
    public const int MaxNameLength = 200;

    public static readonly int[] ImageSizes = [28, 32, 64];

    public async Task<DatasetImportResult> ImportAsync(string userId, Guid teamId, NewDatasetRequest request, CancellationToken ct = default)
    {
        await access.RequireAsync(userId, teamId, TeamRole.Editor, ct: ct);
        var name = ValidName(request.Name);
        Validate(request);
        var id = Guid.NewGuid();
        var staged = staging.Stage(id, request.Files);
        try
        {
            await EnqueueAsync(new Dataset
            {
                Id = id, TeamId = teamId, Name = name, ImageSize = request.ImageSize, Channels = request.Channels,
                CreatedByUserId = userId, ImportSourceJson = new ImportSource(Files: staged).ToJson(),
            }, ct);
        }
        catch
        {
            staging.Delete(id);
            throw;
        }
        return await RunAndWaitAsync(id, teamId, ct);
    }

    /// <summary>Records a new dataset as a Queued import (its source set); <see cref="RunAndWaitAsync"/> then starts and follows it.</summary>
    internal async Task EnqueueAsync(Dataset dataset, CancellationToken ct)
    {
        dataset.Status = DatasetStatus.Queued;
        dataset.CreatedAt = clock.GetUtcNow();
        db.Datasets.Add(dataset);
        await db.SaveChangesAsync(ct);
    }

    /// <summary>
    /// Starts the import on this node when it runs jobs (unless another claimed it first), else wakes the workers; then
    /// waits for its outcome, hearing it through <see cref="ImportEvents"/> and reading the row (a message may be lost),
    /// until the import ends or <c>Datasets:ImportWaitSeconds</c> pass.
    /// </summary>
    internal async Task<DatasetImportResult> RunAndWaitAsync(Guid id, Guid teamId, CancellationToken ct)
    {
        var ended = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnUpdate(DatasetImportUpdate update)
        {
            if (update.DatasetId == id && update.Ended) ended.TrySetResult();
        }
        events.Updated += OnUpdate;
        try
        {
            // Here, unless this node's loop or another node claimed it first; a web node's message wakes the workers
            // (and lists it as Queued on every open page).
            if (node.Value.RunsJobs) await queue.RunNowAsync(id);
            else events.Publish(new DatasetImportUpdate(id, teamId, DatasetStatus.Queued));
            var deadline = clock.GetUtcNow().AddSeconds(Math.Max(0, options.Value.ImportWaitSeconds));
            var recheck = TimeSpan.FromSeconds(Math.Max(1, options.Value.ImportPollSeconds));
            while (true)
            {
                var dataset = await db.Datasets.AsNoTracking().SingleOrDefaultAsync(d => d.Id == id, ct)
                    ?? throw new RequestRejectedException("The dataset was deleted before its import finished.");
                var left = deadline - clock.GetUtcNow();
                if (dataset.Status is DatasetStatus.Ready or DatasetStatus.Failed || left <= TimeSpan.Zero) return await OutcomeAsync(dataset);
                await Task.WhenAny(ended.Task, Task.Delay(left < recheck ? left : recheck, ct));
                ct.ThrowIfCancellationRequested();
            }
        }
        finally
        {
            events.Updated -= OnUpdate;
        }
    }

    /// <summary>The answer for an import as its row stands: the dataset, a refusal (its row removed: nothing is kept), or a failure.</summary>
    private async Task<DatasetImportResult> OutcomeAsync(Dataset dataset)
    {
        if (dataset.Status != DatasetStatus.Failed) return DatasetImportResult.From(DatasetMapping.ToSummary(dataset));
        var reason = dataset.Error ?? "The import failed.";
        if (dataset.ImportFailure == ImportFailure.Refused)
        {
            // The upload itself was refused: the uploader gets the reason in the answer, and nothing is left behind to
            // show as a dataset. (When nobody waited, the row stays Failed with the reason, for the list to show.)
            await db.Datasets.Where(d => d.Id == dataset.Id && d.Status == DatasetStatus.Failed).ExecuteDeleteAsync(CancellationToken.None);
            throw new RequestRejectedException(reason);
        }
        logger.LogInformation("Import of dataset {DatasetId} failed: {Reason}", dataset.Id, reason);
        throw new DatasetImportFailedException(dataset.Id, reason, diskFull: dataset.ImportFailure == ImportFailure.DiskFull);
    }

    /// <summary>Why an upload gave no image: an archive without images is named as such, else the first file's problem.</summary>
    internal static string NoImagesMessage(IReadOnlyList<SkippedFile> skipped)
    {
        if (skipped.Count == 0) return "The upload holds no images.";
        var archive = skipped.FirstOrDefault(s => s.Reason.StartsWith(UploadEntrySource.NoImagesInArchive, StringComparison.Ordinal));
        if (archive is not null) return $"'{archive.Name}': {archive.Reason}.";
        return $"None of the uploaded files could be imported as an image (first problem: {skipped[0].Name}: {skipped[0].Reason}).";
    }

    private void Validate(NewDatasetRequest request)
    {
        if (!ImageSizes.Contains(request.ImageSize))
            throw new RequestRejectedException($"The training size must be 28, 32 or 64 pixels, not {request.ImageSize}.");
        if (request.Channels is not (1 or 3))
            throw new RequestRejectedException($"Channels must be 1 (grey) or 3 (RGB), not {request.Channels}.");
        if (request.Files.Count == 0)
            throw new RequestRejectedException("Upload at least one file: images, a ZIP in ImageFolder layout, or IDX files.");
        if (request.Files.Count > options.Value.MaxFilesPerUpload)
            throw new RequestRejectedException($"An upload holds at most {options.Value.MaxFilesPerUpload} files; put many images in a ZIP.");
    }

    public static string ValidName(string? name) => UserGivenNames.Validate(name, "A dataset name", MaxNameLength);
}

/// <summary>The import failed as a whole; the dataset <see cref="DatasetId"/> is kept as Failed with <see cref="Exception.Message"/> as its reason.</summary>
public sealed class DatasetImportFailedException(Guid datasetId, string reason, Exception? inner = null, bool diskFull = false) : Exception(reason, inner)
{
    public Guid DatasetId { get; } = datasetId;

    /// <summary>The server's disk is full: the client may retry once space is freed (HTTP 507).</summary>
    public bool DiskFull { get; } = diskFull;
}
