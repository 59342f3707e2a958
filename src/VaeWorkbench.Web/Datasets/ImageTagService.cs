using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using VaeWorkbench.Web.Audit;
using VaeWorkbench.Web.Data;
using VaeWorkbench.Web.Data.Configurations;
using VaeWorkbench.Web.Data.Entities;
using VaeWorkbench.Web.Options;
using VaeWorkbench.Web.Teams;

namespace VaeWorkbench.Web.Datasets;

public sealed record TagImagesRequest(string? Tag, IReadOnlyList<long>? ImageIds);

/// <summary><see cref="Tagged"/> images got the tag now; <see cref="AlreadyTagged"/> had it and keep their first tagger.</summary>
public sealed record TagImagesResult(string Tag, int Tagged, int AlreadyTagged);

public sealed record TagCount(string Tag, int Count);

public sealed record TaggedImage(long ImageId, int Index, int? Label, string TaggedByUserId, string TaggedBy, DateTimeOffset TaggedAt);

/// <summary>
/// Free-text tags on dataset images, shared by the team: an Editor tags (for example a region of the latent map), a
/// Viewer lists a dataset's tags and the images carrying one. Every image id must belong to the named dataset.
/// </summary>
public sealed class ImageTagService(AppDbContext db, DatasetService datasets, IOptions<DatasetOptions> options, TimeProvider clock, AuditLog audit)
{
    public async Task<TagImagesResult> TagAsync(string userId, Guid datasetId, TagImagesRequest request, CancellationToken ct = default)
    {
        var dataset = await datasets.FindAsync(userId, datasetId, TeamRole.Editor, ct);
        var tag = ParseTag(request.Tag);
        var ids = (request.ImageIds ?? []).Distinct().ToList();
        if (ids.Count == 0) throw new RequestRejectedException("imageIds must name at least one image.");
        if (ids.Count > options.Value.MaxImagesPerDataset) throw new RequestRejectedException($"at most {options.Value.MaxImagesPerDataset} images can be tagged at once.");
        var known = await db.DatasetImages.Where(i => i.DatasetId == dataset.Id && ids.Contains(i.Id)).CountAsync(ct);
        // An image of another dataset may be another team's: "not found", as for every foreign id.
        if (known != ids.Count) throw AccessDeniedException.NotFound("Image");
        var already = (await db.ImageTags.Where(t => t.DatasetId == dataset.Id && t.Tag == tag && ids.Contains(t.DatasetImageId))
            .Select(t => t.DatasetImageId).ToListAsync(ct)).ToHashSet();
        var now = clock.GetUtcNow();
        var added = ids.Where(id => !already.Contains(id)).ToList();
        db.ImageTags.AddRange(added.Select(id => new ImageTag { DatasetId = dataset.Id, DatasetImageId = id, Tag = tag, TaggedByUserId = userId, TaggedAt = now }));
        audit.Add(dataset.TeamId, userId, AuditActions.ImagesTagged, "Dataset", dataset.Id, new { tag, images = added.Count });
        await db.SaveChangesAsync(ct);
        return new TagImagesResult(tag, added.Count, already.Count);
    }

    /// <summary>The dataset's tags with how many images carry each, most used first.</summary>
    public async Task<List<TagCount>> ListAsync(string userId, Guid datasetId, CancellationToken ct = default)
    {
        var dataset = await datasets.FindAsync(userId, datasetId, TeamRole.Viewer, ct);
        var counts = await db.ImageTags.Where(t => t.DatasetId == dataset.Id).GroupBy(t => t.Tag)
            .Select(g => new TagCount(g.Key, g.Count())).ToListAsync(ct);
        return [.. counts.OrderByDescending(c => c.Count).ThenBy(c => c.Tag, StringComparer.Ordinal)];
    }

    /// <summary>The images carrying a tag, in dataset order, with who tagged each and when.</summary>
    public async Task<List<TaggedImage>> ImagesAsync(string userId, Guid datasetId, string tag, CancellationToken ct = default)
    {
        var dataset = await datasets.FindAsync(userId, datasetId, TeamRole.Viewer, ct);
        var rows = await db.ImageTags.AsNoTracking().Where(t => t.DatasetId == dataset.Id && t.Tag == tag)
            .Join(db.DatasetImages, t => t.DatasetImageId, i => i.Id, (t, i) => new { t, i.Index, i.Label })
            .GroupJoin(db.Users, x => x.t.TaggedByUserId, u => u.Id, (x, users) => new { x, users })
            .SelectMany(x => x.users.DefaultIfEmpty(), (x, u) => new { x.x, Name = u == null ? null : u.UserName })
            .ToListAsync(ct);
        return [.. rows.OrderBy(r => r.x.Index).Select(r => new TaggedImage(r.x.t.DatasetImageId, r.x.Index, r.x.Label, r.x.t.TaggedByUserId, r.Name ?? r.x.t.TaggedByUserId, r.x.t.TaggedAt))];
    }

    private static string ParseTag(string? tag) => UserGivenNames.Validate(tag, "A tag", ImageTagConfiguration.MaxTagLength);
}
