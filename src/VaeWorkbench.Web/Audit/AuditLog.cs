using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using VaeWorkbench.Web.Data;
using VaeWorkbench.Web.Data.Entities;
using VaeWorkbench.Web.Runs;
using VaeWorkbench.Web.Teams;

namespace VaeWorkbench.Web.Audit;

public sealed record AuditFilter(string? Action = null, string? UserId = null, string? ObjectType = null, string? ObjectId = null,
    DateTimeOffset? From = null, DateTimeOffset? To = null, long? BeforeId = null, int? Take = null);

/// <summary>A page of audit entries and how many entries the filter matches in all.</summary>
public sealed record AuditPage(IReadOnlyList<AuditRecord> Items, int Total);

public sealed record AuditRecord(long Id, DateTimeOffset At, string UserId, string? UserEmail, string Action, string ObjectType, string ObjectId, JsonElement Details);

/// <summary>
/// A team's append-only log of who did what. Services call <see cref="Add"/> next to the change it describes, so the entry
/// is saved by the same SaveChanges (atomically with the change), or <see cref="RecordAsync"/> for actions that change
/// nothing else (downloads). Nothing in the app updates or deletes entries; they go only with their team.
/// </summary>
public sealed class AuditLog(AppDbContext db, TeamAccess access, TimeProvider clock)
{
    public const int MaxTake = 1000;

    public void Add(Guid teamId, string userId, string action, string objectType, object objectId, object? details = null) =>
        db.AuditEntries.Add(new AuditEntry
        {
            TeamId = teamId, UserId = userId, Action = action, ObjectType = objectType,
            ObjectId = Convert.ToString(objectId, System.Globalization.CultureInfo.InvariantCulture) ?? "",
            DetailsJson = details is null ? "{}" : JsonSerializer.Serialize(details, RunService.Json),
            At = clock.GetUtcNow(),
        });

    public async Task RecordAsync(Guid teamId, string userId, string action, string objectType, object objectId, object? details = null, CancellationToken ct = default)
    {
        Add(teamId, userId, action, objectType, objectId, details);
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Logs the download of a run's trained model file in the model's team (the caller has passed the access check).</summary>
    public Task RecordModelDownloadAsync(string userId, Guid modelId, CancellationToken ct = default) => RecordModelDownloadAsync(userId, modelId, false, ct);

    public async Task RecordModelDownloadAsync(string userId, Guid modelId, bool includeTrainingState, CancellationToken ct = default)
    {
        var teamId = await db.TrainedModels.Where(m => m.Id == modelId).Select(m => m.TeamId).FirstAsync(ct);
        await RecordAsync(teamId, userId, AuditActions.ModelDownloaded, "Model", modelId, new { includeTrainingState }, ct: ct);
    }

    /// <summary>The newest entries first. Every member may read the log (Viewer and up): it shows what was done to objects they can already see.</summary>
    public async Task<List<AuditRecord>> ListAsync(string userId, Guid teamId, AuditFilter filter, CancellationToken ct = default)
    {
        await access.RequireAsync(userId, teamId, TeamRole.Viewer, ct: ct);
        var take = filter.Take ?? 200;
        if (take is < 1 or > MaxTake) throw new RequestRejectedException($"take must be between 1 and {MaxTake}.");
        return await ReadAsync(Filtered(teamId, filter).OrderByDescending(e => e.Id).Take(take), newestFirst: true, ct);
    }

    /// <summary>
    /// One page of the log for a grid, newest first unless <paramref name="oldestFirst"/>, with the number of entries the
    /// filter matches; <see cref="AuditFilter.Take"/> and <see cref="AuditFilter.BeforeId"/> are the API's paging and ignored here.
    /// </summary>
    public async Task<AuditPage> PageAsync(string userId, Guid teamId, AuditFilter filter, int skip, int take, bool oldestFirst = false, CancellationToken ct = default)
    {
        await access.RequireAsync(userId, teamId, TeamRole.Viewer, ct: ct);
        if (skip < 0) throw new RequestRejectedException("skip must not be negative.");
        if (take is < 1 or > MaxTake) throw new RequestRejectedException($"take must be between 1 and {MaxTake}.");
        var query = Filtered(teamId, filter with { BeforeId = null });
        var total = await query.CountAsync(ct);
        var ordered = oldestFirst ? query.OrderBy(e => e.Id) : query.OrderByDescending(e => e.Id);
        return new AuditPage(await ReadAsync(ordered.Skip(skip).Take(take), !oldestFirst, ct), total);
    }

    /// <summary>
    /// How the log names the images among <paramref name="entries"/> (entries about an "Image", whose object id is the
    /// image's row), by <see cref="Datasets.ImageNames"/>; only images of the team's datasets are named.
    /// </summary>
    public async Task<Dictionary<string, string>> ImageNamesAsync(string userId, Guid teamId, IEnumerable<AuditRecord> entries, CancellationToken ct = default)
    {
        await access.RequireAsync(userId, teamId, TeamRole.Viewer, ct: ct);
        var ids = entries.Where(e => e.ObjectType == "Image").Select(e => long.TryParse(e.ObjectId, out var id) ? id : -1).Where(id => id >= 0).Distinct().ToList();
        if (ids.Count == 0) return [];
        var images = await db.DatasetImages.AsNoTracking().Where(i => ids.Contains(i.Id))
            .Join(db.Datasets.Where(d => d.TeamId == teamId), i => i.DatasetId, d => d.Id, (i, d) => new { i.Id, i.Index, i.OriginalName })
            .ToListAsync(ct);
        return images.ToDictionary(i => i.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), i => Datasets.ImageNames.Of(i.Index, i.OriginalName));
    }

    private IQueryable<AuditEntry> Filtered(Guid teamId, AuditFilter filter)
    {
        if (filter.From is { } from && filter.To is { } to && from > to) throw new RequestRejectedException("from must not be after to.");
        var query = db.AuditEntries.Where(e => e.TeamId == teamId);
        if (!string.IsNullOrEmpty(filter.Action)) query = query.Where(e => e.Action == filter.Action);
        if (!string.IsNullOrEmpty(filter.UserId)) query = query.Where(e => e.UserId == filter.UserId);
        if (!string.IsNullOrEmpty(filter.ObjectType)) query = query.Where(e => e.ObjectType == filter.ObjectType);
        if (!string.IsNullOrEmpty(filter.ObjectId)) query = query.Where(e => e.ObjectId == filter.ObjectId);
        if (filter.BeforeId is { } before) query = query.Where(e => e.Id < before);
        // Dates are stored as binary longs, which only order correctly for UTC values.
        if (filter.From is { } start) { var utc = start.ToUniversalTime(); query = query.Where(e => e.At >= utc); }
        if (filter.To is { } end) { var utc = end.ToUniversalTime(); query = query.Where(e => e.At <= utc); }
        return query;
    }

    private async Task<List<AuditRecord>> ReadAsync(IQueryable<AuditEntry> page, bool newestFirst, CancellationToken ct)
    {
        var rows = await page
            .GroupJoin(db.Users, e => e.UserId, u => u.Id, (e, users) => new { e, users })
            .SelectMany(x => x.users.DefaultIfEmpty(), (x, u) => new { x.e, Email = u == null ? null : u.Email })
            .ToListAsync(ct);
        // The join may lose the page's order in SQL; it is restored here.
        var ordered = newestFirst ? rows.OrderByDescending(r => r.e.Id) : rows.OrderBy(r => r.e.Id);
        return ordered.Select(r => new AuditRecord(r.e.Id, r.e.At, r.e.UserId, r.Email, r.e.Action, r.e.ObjectType, r.e.ObjectId,
            JsonDocument.Parse(r.e.DetailsJson).RootElement.Clone())).ToList();
    }
}
