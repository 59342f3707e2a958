using Microsoft.EntityFrameworkCore;
using VaeWorkbench.Imaging;
using VaeWorkbench.Imaging.Formats.Png;
using VaeWorkbench.Web.Data;
using VaeWorkbench.Web.Data.Entities;
using VaeWorkbench.Web.Datasets;
using VaeWorkbench.Web.Storage;
using VaeWorkbench.Web.Teams;
using ImagingEntry = VaeWorkbench.Imaging.Datasets.DatasetImage;

namespace VaeWorkbench.Web.Augmentation;

/// <summary>
/// Merges a finished set with its source dataset into a new dataset, written exactly as an import writes one (the same
/// <see cref="ImportWriter"/> for PNGs and the packed tensor, the same row writer), so training uses it like any other.
/// </summary>
public sealed class AugmentationMerge(AppDbContext db, AugmentationService sets, DatasetImportService importer, BlobStore blobs, ImportLeases leases, TimeProvider clock)
{
    private const int PageSize = 1000;

    public async Task<Guid> MergeAsync(string userId, Guid setId, string? name, CancellationToken ct = default)
    {
        var set = await sets.FindAsync(userId, setId, TeamRole.Editor, ct);
        if (set.Status != AugmentedStatus.Succeeded) throw new RequestRejectedException($"This set is {set.Status}; only a finished set can be merged.");
        var source = await db.Datasets.AsNoTracking().SingleAsync(d => d.Id == set.DatasetId, ct);
        var classNames = DatasetMapping.ClassNames(source);
        var dataset = new Dataset
        {
            Id = Guid.NewGuid(), TeamId = set.TeamId, ImageSize = source.ImageSize, Channels = source.Channels, Status = DatasetStatus.Importing,
            Name = DatasetImportService.ValidName(name ?? Truncate($"{source.Name} + {set.Mode} ({set.Kept} generated)")),
            CreatedByUserId = userId, CreatedAt = clock.GetUtcNow(), ImportLeaseExpiresAt = leases.FirstExpiry(),
        };
        db.Datasets.Add(dataset);
        await db.SaveChangesAsync(ct);
        await using var lease = leases.Hold(dataset.Id);

        using var writer = new ImportWriter(blobs, source.ImageSize, source.Channels);
        try
        {
            await AddAllAsync(writer, db.DatasetImages.Where(i => i.DatasetId == source.Id), i => i.Index, "original", classNames, ct);
            await AddAllAsync(writer, db.AugmentedImages.Where(i => i.SetId == setId), i => i.Index, "generated", classNames, ct);
            var mergedClasses = writer.ClassNames();
            var tensorHash = await writer.WriteTensorFileAsync(mergedClasses, ct);
            var counts = writer.Images.Where(i => i.ClassName is not null).GroupBy(i => i.ClassName!).ToDictionary(g => g.Key, g => g.Count());
            var report = new ImportReport(mergedClasses.Select(n => new ClassCount(n, counts[n])).ToList(), writer.Images.Count(i => i.ClassName is null), [], 0, [], 0);
            await importer.SaveRowsAsync(dataset, writer.Images, mergedClasses, report, tensorHash, ct);
            return dataset.Id;
        }
        catch (Exception e)
        {
            await importer.MarkFailedAsync(dataset.Id, "The merge failed: " + e.Message, writer.StoredHashes);
            throw;
        }
    }

    // Rows in index order, a page at a time; each stored PNG is decoded and handed to the import writer with its class name.
    private async Task AddAllAsync<T>(ImportWriter writer, IQueryable<T> rows, System.Linq.Expressions.Expression<Func<T, int>> index, string kind,
        List<string> classNames, CancellationToken ct) where T : class
    {
        for (var start = 0; ; start += PageSize)
        {
            var page = await rows.OrderBy(index).Skip(start).Take(PageSize).ToListAsync(ct);
            if (page.Count == 0) break;
            await Task.Run(() =>
            {
                foreach (var row in page)
                {
                    var (hash, label, position) = row switch
                    {
                        DatasetImage d => (d.ContentHash, d.Label, d.Index),
                        AugmentedImage a => (a.ContentHash, a.Label, a.Index),
                        _ => throw new InvalidOperationException($"cannot merge {typeof(T).Name} rows"),
                    };
                    var image = PngDecoder.Decode(blobs.ReadAllBytes(hash));
                    writer.Add(new ImagingEntry($"{kind}/{position:D6}.png", AugmentationService.ClassName(classNames, label), ImageFormat.Png, image));
                }
            }, ct);
        }
    }

    private static string Truncate(string text) => text.Length <= DatasetImportService.MaxNameLength ? text : text[..DatasetImportService.MaxNameLength];
}
