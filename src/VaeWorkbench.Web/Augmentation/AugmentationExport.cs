using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using VaeWorkbench.Imaging.Datasets;
using VaeWorkbench.Web.Data;
using VaeWorkbench.Web.Data.Entities;
using VaeWorkbench.Web.Runs;
using VaeWorkbench.Web.Storage;
using VaeWorkbench.Web.Teams;

namespace VaeWorkbench.Web.Augmentation;

/// <summary>A checked export: the set's summary and class names, ready to be written.</summary>
public sealed record AugmentationExportPlan(AugmentedSummary Summary, IReadOnlyList<string> ClassNames);

/// <summary>
/// Streams a set as a ZIP in ImageFolder layout (see <see cref="ImageFolderExportWriter"/>), optionally with the source
/// dataset's images, reading image rows a page at a time and copying each stored PNG straight into its entry, so memory
/// holds one page of rows and the manifest's lines, never the archive.
/// </summary>
public sealed class AugmentationExport(AppDbContext db, AugmentationService sets, BlobStore blobs)
{
    private const int PageSize = 1000;

    /// <summary>Access check (Viewer) and state check, before any byte of the response is written.</summary>
    public async Task<AugmentationExportPlan> PrepareAsync(string userId, Guid setId, CancellationToken ct = default)
    {
        var summary = await sets.GetAsync(userId, setId, ct);
        if (summary.Status != AugmentedStatus.Succeeded)
            throw new RequestRejectedException($"This set is {summary.Status}; only a finished set can be exported.");
        return new AugmentationExportPlan(summary, await sets.ClassNamesAsync(summary.Provenance.DatasetId, ct));
    }

    /// <summary>Writes the ZIP to <paramref name="output"/>, which needs only to accept synchronous writes.</summary>
    public async Task WriteAsync(AugmentationExportPlan plan, bool includeOriginals, Stream output, CancellationToken ct = default)
    {
        var p = plan.Summary.Provenance;
        using var writer = ImageFolderExportWriter.ToZip(output, p.ModelId.ToString(), p.Mode, p.Seed.ToString(CultureInfo.InvariantCulture));
        for (var start = 0; ; start += PageSize)
        {
            var page = await db.AugmentedImages.AsNoTracking().Where(i => i.SetId == plan.Summary.Id && i.Index >= start && i.Index < start + PageSize)
                .OrderBy(i => i.Index).Select(i => new { i.Label, i.ContentHash, i.Score }).ToListAsync(ct);
            if (page.Count == 0) break;
            foreach (var image in page)
                writer.Add(AugmentationService.ClassName(plan.ClassNames, image.Label), ExportSource.Generated, image.Score, blobs.ReadAllBytes(image.ContentHash));
        }
        if (includeOriginals)
        {
            for (var start = 0; ; start += PageSize)
            {
                var page = await db.DatasetImages.AsNoTracking().Where(i => i.DatasetId == p.DatasetId && i.Index >= start && i.Index < start + PageSize)
                    .OrderBy(i => i.Index).Select(i => new { i.Label, i.ContentHash }).ToListAsync(ct);
                if (page.Count == 0) break;
                foreach (var image in page)
                    writer.Add(AugmentationService.ClassName(plan.ClassNames, image.Label), ExportSource.Original, null, blobs.ReadAllBytes(image.ContentHash));
            }
        }
        writer.Finish(JsonSerializer.Serialize(new { id = plan.Summary.Id, provenance = p, classes = plan.Summary.Classes, includeOriginals },
            new JsonSerializerOptions(RunService.Json) { WriteIndented = true }));
    }
}
