using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using VaeWorkbench.Imaging.Datasets;
using VaeWorkbench.Web.Audit;
using VaeWorkbench.Web.Augmentation;
using VaeWorkbench.Web.Data;
using VaeWorkbench.Web.Data.Entities;
using VaeWorkbench.Web.Faults;
using VaeWorkbench.Web.Jobs;
using VaeWorkbench.Web.Options;
using VaeWorkbench.Web.Storage;
using VaeWorkbench.Web.Teams;
using DatasetImageRow = VaeWorkbench.Web.Data.Entities.DatasetImage;

namespace VaeWorkbench.Web.Datasets;

/// <summary>
/// Runs one claimed import on the node that holds its lease: reads the staged upload with the Imaging readers (or the
/// images a merge combines), drops duplicates, normalises and stores every image, then writes the rows, the packed tensor
/// file, the report and the Ready status in one transaction that commits only while the lease is held. A refused upload
/// (no images, too many) or a failure ends it Failed with the reason and why (<see cref="ImportFailure"/>); the blobs only
/// it stored and its staged files are removed. Every outcome is published through <see cref="ImportEvents"/>.
/// </summary>
public sealed class ImportJobRunner(
    AppDbContext db, BlobStore blobs, DatasetCleanup cleanup, ImportStaging staging, ImportEvents events, AugmentationMerge merge,
    IOptions<DatasetOptions> options, AuditLog audit, Failpoints faults, ILogger<ImportJobRunner> logger)
{
    public const string DiskFullReason = "The disk is full: the import was rolled back and its files removed. Free some space on the server and upload again.";

    public const string InterruptedReason = "The server stopped during the import. Delete this dataset and upload it again.";

    public const string StagingMissingReason = "The uploaded files of this import are not in the data folder of the node that took it " +
        "(every node must mount the same Storage:DataDirectory). Delete this dataset and upload it again.";

    public async Task RunAsync(JobLease<Dataset, DatasetStatus> lease)
    {
        var dataset = await db.Datasets.AsNoTracking().SingleOrDefaultAsync(d => d.Id == lease.Id);
        if (dataset is null) return;
        var source = ImportSource.Parse(dataset.ImportSourceJson);
        // A row from before imports were jobs, or an import whose node stopped as often as it may: not run again.
        if (source is null || dataset.ImportAttempts > Math.Max(1, options.Value.ImportMaxAttempts))
        {
            await FailAsync(lease, dataset, InterruptedReason, ImportFailure.Error, []);
            return;
        }
        IReadOnlyList<UploadedFile>? files = null;
        if (source.Files is { } staged && (files = staging.Open(dataset.Id, staged)) is null)
        {
            await FailAsync(lease, dataset, StagingMissingReason, ImportFailure.Error, []);
            return;
        }
        events.Publish(new DatasetImportUpdate(dataset.Id, dataset.TeamId, DatasetStatus.Importing));
        var ct = lease.Token;
        var writer = new ImportWriter(blobs, dataset.ImageSize, dataset.Channels);
        try
        {
            var (classNames, tensorHash, report) = files is not null
                ? await ReadUploadAsync(files, writer, ct)
                : await merge.ReadAsync(writer, dataset.TeamId, source.MergeSetId!.Value, ct);
            var images = writer.Images;
            if (!await SaveRowsAsync(lease, dataset, images, classNames, report, tensorHash, uploaded: files is not null, ct)) return;
            logger.LogInformation("Imported dataset {DatasetId} with {Count} images ({Skipped} skipped)", dataset.Id, images.Count, report.SkippedCount);
            staging.Delete(dataset.Id);
            events.Publish(new DatasetImportUpdate(dataset.Id, dataset.TeamId, DatasetStatus.Ready));
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Shutting down: give the import back (the next claim counts as another attempt). A lost lease needs nothing:
            // the import is another node's now, and nothing of this one was committed.
            writer.Dispose();
            if (lease.Stop == JobStop.Shutdown) await lease.ReleaseAsync();
        }
        catch (Exception e)
        {
            var diskFull = StorageErrors.IsDiskFull(e);
            var (reason, failure) = e switch
            {
                RequestRejectedException => (e.Message, ImportFailure.Refused),
                _ when diskFull => (DiskFullReason, ImportFailure.DiskFull),
                _ => ("The import failed: " + e.Message, ImportFailure.Error),
            };
            if (failure != ImportFailure.Refused) logger.LogError(e, "Import of dataset {DatasetId} failed", dataset.Id);
            // The work file goes first: on a full disk, the space it frees lets the failure be recorded.
            writer.Dispose();
            await FailAsync(lease, dataset, reason, failure, writer.StoredHashes);
        }
        finally
        {
            writer.Dispose();
        }
    }

    /// <summary>
    /// Decodes the staged upload into the writer and writes its tensor file; a refused upload throws
    /// <see cref="RequestRejectedException"/>. Returns the class names, the tensor's hash and the report.
    /// </summary>
    private async Task<(List<string> ClassNames, string TensorHash, ImportReport Report)> ReadUploadAsync(IReadOnlyList<UploadedFile> uploaded, ImportWriter writer, CancellationToken ct)
    {
        var limits = options.Value;
        var readOptions = new DatasetReadOptions
        {
            MaxEntries = limits.MaxImagesPerDataset, MaxTotalBytes = limits.MaxZipInflatedBytes,
            MaxEntryBytes = limits.MaxZipEntryBytes, MaxCompressionRatio = limits.MaxZipCompressionRatio,
        };
        var (files, idxClassNames) = IdxClassNames.Split(uploaded);
        // Decoding, resizing and encoding are CPU work on synchronous readers: off the job's async continuations.
        var found = await Task.Run(() => DatasetImporter.Import(UploadEntrySource.Read(files, readOptions, ct, idxClassNames), writer.Add, ct), ct);
        if (found.Imported == 0) throw new RequestRejectedException(DatasetImportService.NoImagesMessage(found.Skipped));
        if (found.Imported > limits.MaxImagesPerDataset)
            throw new RequestRejectedException($"A dataset holds at most {limits.MaxImagesPerDataset} images; this upload has {found.Imported}.");
        var classNames = writer.ClassNames(idxClassNames);
        // The tensor file first: it stores the last images, whose hashes the report's image list needs.
        var tensorHash = await writer.WriteTensorFileAsync(classNames, ct);
        return (classNames, tensorHash, Report(found, writer, classNames, limits.MaxReportedFiles));
    }

    /// <summary>
    /// All rows, the audit entry and the Ready status in one transaction, committed only while this node holds the
    /// import's lease, so the dataset is never half-Ready and never written twice. False when the lease was lost.
    /// </summary>
    private async Task<bool> SaveRowsAsync(JobLease<Dataset, DatasetStatus> lease, Dataset dataset, IReadOnlyList<PendingImage> images,
        List<string> classNames, ImportReport report, string tensorHash, bool uploaded, CancellationToken ct)
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
        if (uploaded)
        {
            audit.Add(dataset.TeamId, dataset.CreatedByUserId, AuditActions.DatasetUploaded, "Dataset", dataset.Id,
                new { name = dataset.Name, images = images.Count, skipped = report.SkippedCount });
            await db.SaveChangesAsync(ct);
        }
        var completed = await lease.CompleteAsync(db, DatasetStatus.Ready, set => set
            .Set(d => d.ImageCount, images.Count)
            .Set(d => d.ClassNamesJson, JsonSerializer.Serialize(classNames))
            .Set(d => d.ImportReportJson, DatasetMapping.SerializeReport(report))
            .Set(d => d.TensorHash, tensorHash)
            .Set(d => d.ImportSourceJson, (string?)null));
        if (!completed) return false; // the transaction rolls back: another node holds the import now
        faults.Reach(Failpoints.DatasetRowsCommit);
        await transaction.CommitAsync(ct);
        return true;
    }

    /// <summary>
    /// Removes the blobs only this import stored, then records the failure through the lease (files first: on a full
    /// disk, the database may need the space they free), removes the staged files and tells the waiting request.
    /// </summary>
    private async Task FailAsync(JobLease<Dataset, DatasetStatus> lease, Dataset dataset, string reason, ImportFailure failure, IReadOnlyCollection<string> storedHashes)
    {
        db.ChangeTracker.Clear();
        await cleanup.DeleteUnreferencedBlobsAsync(storedHashes, CancellationToken.None, failingImport: dataset.Id);
        var failed = await lease.CompleteAsync(db, DatasetStatus.Failed, set => set
            .Set(d => d.Error, reason)
            .Set(d => d.ImportFailure, (ImportFailure?)failure)
            .Set(d => d.ImageCount, 0)
            .Set(d => d.TensorHash, (string?)null)
            .Set(d => d.ImportSourceJson, (string?)null));
        if (!failed) return;
        staging.Delete(dataset.Id);
        events.Publish(new DatasetImportUpdate(dataset.Id, dataset.TeamId, DatasetStatus.Failed, reason, failure));
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
}
