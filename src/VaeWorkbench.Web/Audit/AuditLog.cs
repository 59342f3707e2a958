using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using VaeWorkbench.Web.Data;
using VaeWorkbench.Web.Data.Entities;
using VaeWorkbench.Web.Runs;
using VaeWorkbench.Web.Teams;

namespace VaeWorkbench.Web.Audit;

public sealed record AuditFilter(string? Action = null, string? UserId = null, string? ObjectType = null, string? ObjectId = null,
    DateTimeOffset? From = null, DateTimeOffset? To = null, long? BeforeId = null, int? Take = null);

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

        var rows = await query.OrderByDescending(e => e.Id).Take(take)
            .GroupJoin(db.Users, e => e.UserId, u => u.Id, (e, users) => new { e, users })
            .SelectMany(x => x.users.DefaultIfEmpty(), (x, u) => new { x.e, Email = u == null ? null : u.Email })
            .ToListAsync(ct);
        return rows.OrderByDescending(r => r.e.Id).Select(r => new AuditRecord(r.e.Id, r.e.At, r.e.UserId, r.Email, r.e.Action, r.e.ObjectType, r.e.ObjectId,
            JsonDocument.Parse(r.e.DetailsJson).RootElement.Clone())).ToList();
    }
}
