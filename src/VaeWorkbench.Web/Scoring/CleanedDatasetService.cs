using Microsoft.EntityFrameworkCore;
using VaeWorkbench.Web.Data;
using VaeWorkbench.Web.Data.Entities;
using VaeWorkbench.Web.Datasets;
using VaeWorkbench.Web.Storage;
using VaeWorkbench.Web.Teams;

namespace VaeWorkbench.Web.Scoring;

/// <summary>
/// A new dataset version without the images reviewers confirmed as anomalies in a score job. The source dataset is
/// untouched; the new one shares its image blobs (by content hash) and gets its own packed tensor.
/// </summary>
public sealed class CleanedDatasetService(AppDbContext db, ScoringService scoring, BlobStore blobs, TimeProvider clock)
{
    public async Task<(Guid DatasetId, int Kept, int Excluded)> CreateAsync(string userId, Guid scoreJobId, string? name, CancellationToken ct = default)
    {
        var job = await scoring.FindAsync(userId, scoreJobId, TeamRole.Editor, ct);
        var source = await db.Datasets.AsNoTracking().FirstOrDefaultAsync(d => d.Id == job.DatasetId && d.DeletedAt == null, ct)
            ?? throw new RequestRejectedException("the scored dataset has been deleted.");
        var excluded = (await db.ReviewDecisions.Where(d => d.ScoreJobId == job.Id && d.Decision == ReviewVerdict.Anomaly)
            .Select(d => d.DatasetImageId).ToListAsync(ct)).ToHashSet();
        if (excluded.Count == 0) throw new RequestRejectedException("no image of this score job has been confirmed as an anomaly yet.");
        var images = await db.DatasetImages.AsNoTracking().Where(i => i.DatasetId == source.Id).OrderBy(i => i.Index).ToListAsync(ct);
        var kept = images.Where(i => !excluded.Contains(i.Id)).ToList();
        if (kept.Count == 0) throw new RequestRejectedException("every image is confirmed as an anomaly; a cleaned dataset would be empty.");

        var tensor = await Task.Run(() => { using var s = blobs.OpenRead(source.TensorHash!); return DatasetTensorFile.Read(s); }, ct);
        var temp = blobs.NewTempPath(".vwbt");
        await using (var output = File.Create(temp))
            DatasetTensorFile.Write(output, source.Channels, source.ImageSize, [.. kept.Select(i => i.Label)],
                kept.Select(i => ToBytes(tensor.Image(i.Index))));
        var tensorHash = await blobs.PutFileAsync(temp, ct);

        // The cleaned dataset's report lists the source's classes (all of them, in label order, so labels keep their
        // meaning) with the images that remain in each; the dataset pages and the API read the classes from it.
        var classNames = DatasetMapping.ClassNames(source);
        var report = new ImportReport(
            classNames.Select((n, label) => new ClassCount(n, kept.Count(i => i.Label == label))).ToList(),
            kept.Count(i => i.Label is null), [], 0, [], 0);
        var dataset = new Dataset
        {
            Id = Guid.NewGuid(), TeamId = source.TeamId, ImageSize = source.ImageSize, Channels = source.Channels, Status = DatasetStatus.Ready,
            Name = DatasetImportService.ValidName(string.IsNullOrWhiteSpace(name) ? $"{source.Name} (cleaned)" : name),
            ImageCount = kept.Count, ClassNamesJson = source.ClassNamesJson,
            ImportReportJson = DatasetMapping.SerializeReport(report), TensorHash = tensorHash, CreatedByUserId = userId, CreatedAt = clock.GetUtcNow(),
        };
        db.Datasets.Add(dataset);
        db.DatasetImages.AddRange(kept.Select((i, n) => new DatasetImage
        {
            DatasetId = dataset.Id, Index = n, Label = i.Label, OriginalName = i.OriginalName, ContentHash = i.ContentHash,
        }));
        await db.SaveChangesAsync(ct);
        return (dataset.Id, kept.Count, images.Count - kept.Count);
    }

    // The tensor stores bytes; Read divided by 255, so rounding restores them exactly.
    private static byte[] ToBytes(ReadOnlySpan<float> pixels)
    {
        var bytes = new byte[pixels.Length];
        for (var i = 0; i < pixels.Length; i++) bytes[i] = (byte)MathF.Round(pixels[i] * 255f);
        return bytes;
    }
}
