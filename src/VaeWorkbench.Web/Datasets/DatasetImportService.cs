using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using VaeWorkbench.Imaging.Datasets;
using VaeWorkbench.Web.Audit;
using VaeWorkbench.Web.Data;
using VaeWorkbench.Web.Data.Entities;
using VaeWorkbench.Web.Faults;
using VaeWorkbench.Web.Options;
using VaeWorkbench.Web.Storage;
using VaeWorkbench.Web.Teams;
using DatasetImageRow = VaeWorkbench.Web.Data.Entities.DatasetImage;

namespace VaeWorkbench.Web.Datasets;

/// <summary>
/// Creates a dataset from uploaded files: reads them with the Imaging readers, drops duplicates, normalises and stores
/// every image, writes the rows and the packed tensor file, and records the report. The dataset ends Ready, or Failed
/// with the reason when the import fails as a whole (its rows rolled back); one bad file only adds a skip.
/// </summary>
public sealed class DatasetImportService(
    AppDbContext db, TeamAccess access, BlobStore blobs, DatasetCleanup cleanup, IOptions<DatasetOptions> options, ImportLeases leases,
    TimeProvider clock, ILogger<DatasetImportService> logger, AuditLog audit, Failpoints faults)
{
    public const int MaxNameLength = 200;

    public const string DiskFullReason = "The disk is full: the import was rolled back and its files removed. Free some space on the server and upload again.";
    public static readonly int[] ImageSizes = [28, 32, 64];

    public async Task<DatasetImportResult> ImportAsync(string userId, Guid teamId, NewDatasetRequest request, CancellationToken ct = default)
    {
        await access.RequireAsync(userId, teamId, TeamRole.Editor, ct: ct);
        var name = ValidName(request.Name);
        Validate(request);

        var dataset = new Dataset
        {
            Id = Guid.NewGuid(), TeamId = teamId, Name = name, ImageSize = request.ImageSize, Channels = request.Channels,
            Status = DatasetStatus.Importing, CreatedByUserId = userId, CreatedAt = clock.GetUtcNow(), ImportLeaseExpiresAt = leases.FirstExpiry(),
        };
        db.Datasets.Add(dataset);
        await db.SaveChangesAsync(ct);
        await using var lease = leases.Hold(dataset.Id);

        using var writer = new ImportWriter(blobs, request.ImageSize, request.Channels);
        try
        {
            // Decoding, resizing and encoding are CPU work on synchronous readers: keep them off the caller's thread
            // (a Blazor circuit or a request thread).
            var limits = options.Value;
            var readOptions = new DatasetReadOptions
            {
                MaxEntries = limits.MaxImagesPerDataset, MaxTotalBytes = limits.MaxZipInflatedBytes,
                MaxEntryBytes = limits.MaxZipEntryBytes, MaxCompressionRatio = limits.MaxZipCompressionRatio,
            };
            var (files, idxClassNames) = IdxClassNames.Split(request.Files);
            var found = await Task.Run(() => DatasetImporter.Import(UploadEntrySource.Read(files, readOptions, ct, idxClassNames), writer.Add, ct), ct);
            if (found.Imported == 0) throw new RequestRejectedException(NoImagesMessage(found.Skipped));
            if (found.Imported > limits.MaxImagesPerDataset)
                throw new RequestRejectedException($"A dataset holds at most {limits.MaxImagesPerDataset} images; this upload has {found.Imported}.");

            var classNames = writer.ClassNames(idxClassNames);
            var tensorHash = await writer.WriteTensorFileAsync(classNames, ct);
            var report = Report(found, writer, classNames, limits.MaxReportedFiles);
            await SaveRowsAsync(dataset, writer.Images, classNames, report, tensorHash, ct);
            await audit.RecordAsync(teamId, userId, AuditActions.DatasetUploaded, "Dataset", dataset.Id, new { name, images = found.Imported, skipped = report.SkippedCount }, ct);
            logger.LogInformation("Imported dataset {DatasetId} with {Count} images ({Skipped} skipped)", dataset.Id, found.Imported, report.SkippedCount);
            return DatasetImportResult.From(DatasetMapping.ToSummary(dataset));
        }
        catch (Exception e)
        {
            var diskFull = StorageErrors.IsDiskFull(e);
            var reason = e switch
            {
                RequestRejectedException => e.Message,
                OperationCanceledException => "The import was cancelled before it finished.",
                _ when diskFull => DiskFullReason,
                _ => "The import failed: " + e.Message,
            };
            if (e is not (RequestRejectedException or OperationCanceledException))
                logger.LogError(e, "Import of dataset {DatasetId} failed", dataset.Id);
            // The work file goes first: on a full disk, the space it frees lets the failure be recorded.
            writer.Dispose();
            if (e is RequestRejectedException)
            {
                // The upload itself was refused (no images, too many): the caller gets the reason in the answer, and
                // nothing is left behind to show as a dataset, retry or delete.
                await DiscardAsync(dataset.Id, writer.StoredHashes);
                throw;
            }
            await MarkFailedAsync(dataset.Id, reason, writer.StoredHashes);
            throw new DatasetImportFailedException(dataset.Id, reason, e, diskFull);
        }
    }

    /// <summary>All rows and the Ready status in one transaction, so the dataset is never half-Ready. Also used by augmentation's merge.</summary>
    internal async Task SaveRowsAsync(Dataset dataset, IReadOnlyList<PendingImage> images, List<string> classNames, ImportReport report, string tensorHash, CancellationToken ct)
    {
        var labelOf = classNames.Select((n, i) => (n, i)).ToDictionary(p => p.n, p => p.i, StringComparer.Ordinal);
        var batch = Math.Max(1, options.Value.InsertBatchSize);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        db.ChangeTracker.Clear();
        for (var start = 0; start < images.Count; start += batch)
        {
            foreach (var image in images.Skip(start).Take(batch))
                db.DatasetImages.Add(new DatasetImageRow
                {
                    DatasetId = dataset.Id, Index = image.Index, OriginalName = image.OriginalName, ContentHash = image.ContentHash,
                    Label = image.ClassName is null ? null : labelOf[image.ClassName],
                });
            await db.SaveChangesAsync(ct);
            db.ChangeTracker.Clear();
        }
        dataset.Status = DatasetStatus.Ready;
        dataset.ImageCount = images.Count;
        dataset.ClassNamesJson = JsonSerializer.Serialize(classNames);
        dataset.ImportReportJson = DatasetMapping.SerializeReport(report);
        dataset.TensorHash = tensorHash;
        db.Datasets.Update(dataset);
        await db.SaveChangesAsync(ct);
        faults.Reach(Failpoints.DatasetRowsCommit);
        await transaction.CommitAsync(ct);
    }

    /// <summary>
    /// Removes the blobs only this import used, then records the failure, in a fresh state (the request may be cancelled).
    /// Files first: on a full disk, the database may need the space they free to record anything.
    /// </summary>
    internal async Task MarkFailedAsync(Guid datasetId, string reason, IReadOnlyCollection<string> storedHashes)
    {
        db.ChangeTracker.Clear();
        await cleanup.DeleteUnreferencedBlobsAsync(storedHashes, CancellationToken.None, failingImport: datasetId);
        await db.Datasets.Where(d => d.Id == datasetId).ExecuteUpdateAsync(set => set
            .SetProperty(d => d.Status, DatasetStatus.Failed)
            .SetProperty(d => d.Error, reason)
            .SetProperty(d => d.ImageCount, 0)
            .SetProperty(d => d.TensorHash, (string?)null), CancellationToken.None);
    }

    /// <summary>Removes a refused import: the blobs only it stored, then its row (it has no image rows: those are written last).</summary>
    private async Task DiscardAsync(Guid datasetId, IReadOnlyCollection<string> storedHashes)
    {
        db.ChangeTracker.Clear();
        await cleanup.DeleteUnreferencedBlobsAsync(storedHashes, CancellationToken.None, failingImport: datasetId);
        await db.Datasets.Where(d => d.Id == datasetId && d.Status == DatasetStatus.Importing).ExecuteDeleteAsync(CancellationToken.None);
    }

    /// <summary>Why an upload gave no image: an archive without images is named as such, else the first file's problem.</summary>
    internal static string NoImagesMessage(IReadOnlyList<SkippedFile> skipped)
    {
        if (skipped.Count == 0) return "The upload holds no images.";
        var archive = skipped.FirstOrDefault(s => s.Reason.StartsWith(UploadEntrySource.NoImagesInArchive, StringComparison.Ordinal));
        if (archive is not null) return $"'{archive.Name}': {archive.Reason}.";
        return $"None of the uploaded files could be imported as an image (first problem: {skipped[0].Name}: {skipped[0].Reason}).";
    }

    private static ImportReport Report(DatasetImportReport found, ImportWriter writer, List<string> classNames, int maxListed)
    {
        var counts = writer.Images.Where(i => i.ClassName is not null).GroupBy(i => i.ClassName!).ToDictionary(g => g.Key, g => g.Count());
        var classes = classNames.Select(n => new ClassCount(n, counts[n])).ToList();
        var unlabeled = writer.Images.Count(i => i.ClassName is null);
        var duplicateNames = found.Duplicates.Select(d => d.Name).ToHashSet(StringComparer.Ordinal);
        // The Imaging report lists duplicates among the skips too; the API reports them once, as duplicates.
        var skipped = found.Skipped.Where(s => !duplicateNames.Contains(s.Name)).ToList();
        return new ImportReport(classes, unlabeled,
            skipped.Take(maxListed).Select(s => new SkippedItem(Shown(s.Name), s.Reason)).ToList(), skipped.Count,
            found.Duplicates.Take(maxListed).Select(d => new DuplicateItem(Shown(d.Name), Shown(d.DuplicateOf))).ToList(), found.Duplicates.Count);

        static string Shown(string name) => UploadNames.Clean(name, ImportWriter.MaxOriginalNameLength);
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
public sealed class DatasetImportFailedException(Guid datasetId, string reason, Exception inner, bool diskFull = false) : Exception(reason, inner)
{
    public Guid DatasetId { get; } = datasetId;

    /// <summary>The server's disk is full: the client may retry once space is freed (HTTP 507).</summary>
    public bool DiskFull { get; } = diskFull;
}
