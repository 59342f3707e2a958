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
/// Merges a finished set with its source dataset into a new dataset, written exactly as an import writes one: the merge
/// is an import job (<see cref="DatasetImportQueue"/>) whose source is the set, so the decoding and writing run on a node
/// that runs jobs, with the same <see cref="ImportWriter"/> for PNGs and the packed tensor and the same row writer.
/// </summary>
public sealed class AugmentationMerge(AppDbContext db, AugmentationService sets, DatasetImportService importer, BlobStore blobs)
{
    private const int PageSize = 1000;

    /// <summary>Queues the merge and waits for it as an upload does: the new dataset, Ready, or still Queued or Importing when the wait ended.</summary>
    public async Task<DatasetImportResult> MergeAsync(string userId, Guid setId, string? name, CancellationToken ct = default)
    {
        var set = await sets.FindAsync(userId, setId, TeamRole.Editor, ct);
        if (set.Status != AugmentedStatus.Succeeded) throw new RequestRejectedException($"This set is {set.Status}; only a finished set can be merged.");
        var source = await db.Datasets.AsNoTracking().SingleAsync(d => d.Id == set.DatasetId, ct);
        var dataset = new Dataset
        {
            Id = Guid.NewGuid(), TeamId = set.TeamId, ImageSize = source.ImageSize, Channels = source.Channels,
            Name = DatasetImportService.ValidName(name ?? Truncate($"{source.Name} + {set.Mode} ({set.Kept} generated)")),
            CreatedByUserId = userId, ImportSourceJson = new ImportSource(MergeSetId: setId).ToJson(),
        };
        await importer.EnqueueAsync(dataset, ct);
        return await importer.RunAndWaitAsync(dataset.Id, dataset.TeamId, ct);
    }

    /// <summary>
    /// The merge job's reading: the source dataset's images, then the set's, into <paramref name="writer"/>, and the
    /// tensor file; returns the merged class names, the tensor's hash and the report. Run by the import job on the node that claimed it.
    /// </summary>
    internal async Task<(List<string> ClassNames, string TensorHash, ImportReport Report)> ReadAsync(ImportWriter writer, Guid teamId, Guid setId, CancellationToken ct)
    {
        var set = await db.AugmentedSets.AsNoTracking().SingleOrDefaultAsync(s => s.Id == setId && s.TeamId == teamId, ct)
            ?? throw new InvalidOperationException("the augmented set was deleted before the merge ran");
        var source = await db.Datasets.AsNoTracking().SingleAsync(d => d.Id == set.DatasetId, ct);
        var classNames = DatasetMapping.ClassNames(source);
        await AddAllAsync(writer, db.DatasetImages.Where(i => i.DatasetId == source.Id), i => i.Index, "original", classNames, ct);
        await AddAllAsync(writer, db.AugmentedImages.Where(i => i.SetId == setId), i => i.Index, "generated", classNames, ct);
        var mergedClasses = writer.ClassNames();
        var tensorHash = await writer.WriteTensorFileAsync(mergedClasses, ct);
        var counts = writer.Images.Where(i => i.ClassName is not null).GroupBy(i => i.ClassName!).ToDictionary(g => g.Key, g => g.Count());
        return (mergedClasses, tensorHash, new ImportReport(mergedClasses.Select(n => new ClassCount(n, counts[n])).ToList(), writer.Images.Count(i => i.ClassName is null), [], 0, [], 0));
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
