using VaeWorkbench.Web.Audit;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using VaeWorkbench.Web.Data;
using VaeWorkbench.Web.Data.Configurations;
using VaeWorkbench.Web.Data.Entities;
using VaeWorkbench.Web.Teams;

namespace VaeWorkbench.Web.Scoring;

/// <summary>Review decisions on scored images, shared by the whole team. Editor decides; Viewer reads and exports.</summary>
public sealed class ReviewService(AppDbContext db, ScoringService scoring, TimeProvider clock, AuditLog audit)
{
    public async Task<ReviewView> DecideAsync(string userId, ReviewRequest request, CancellationToken ct = default)
    {
        var job = await scoring.FindAsync(userId, request.ScoreJobId, TeamRole.Editor, ct);
        if (!Enum.TryParse<ReviewVerdict>(request.Decision, ignoreCase: true, out var verdict) || !Enum.IsDefined(verdict) || int.TryParse(request.Decision, out _))
            throw new RequestRejectedException($"decision must be Anomaly, Normal or Skip, not '{request.Decision}'.");
        var note = string.IsNullOrWhiteSpace(request.Note) ? null : request.Note.Trim();
        if (note is { Length: > ReviewDecisionConfiguration.MaxNoteLength }) throw new RequestRejectedException($"note is longer than {ReviewDecisionConfiguration.MaxNoteLength} characters.");
        if (!await db.ImageScores.AnyAsync(s => s.ScoreJobId == job.Id && s.DatasetImageId == request.ImageId, ct))
            throw AccessDeniedException.NotFound("Image"); // not scored by this job: maybe another team's, so not found
        ReviewDecision decision;
        try
        {
            decision = await SaveDecisionAsync(userId, job, request.ImageId, verdict, note, ct);
        }
        catch (DbUpdateException e) when (SqliteErrors.IsDuplicateKey(e))
        {
            // Another reviewer's first decision on this image committed between our read and our insert: nothing of
            // ours was stored (decision and audit entry are one transaction), so decide again, now as an update.
            db.ChangeTracker.Clear();
            decision = await SaveDecisionAsync(userId, job, request.ImageId, verdict, note, ct);
        }
        var reviewer = await db.Users.Where(u => u.Id == userId).Select(u => u.UserName).SingleAsync(ct) ?? userId;
        return new ReviewView(decision.DatasetImageId, verdict, note, userId, reviewer, decision.DecidedAt);
    }

    private async Task<ReviewDecision> SaveDecisionAsync(string userId, ScoreJob job, long imageId, ReviewVerdict verdict, string? note, CancellationToken ct)
    {
        var decision = await db.ReviewDecisions.FirstOrDefaultAsync(d => d.ScoreJobId == job.Id && d.DatasetImageId == imageId, ct);
        if (decision is null)
        {
            decision = new ReviewDecision { ScoreJobId = job.Id, DatasetImageId = imageId, ReviewerUserId = userId };
            db.ReviewDecisions.Add(decision);
        }
        decision.Decision = verdict;
        decision.Note = note;
        decision.ReviewerUserId = userId;
        decision.DecidedAt = clock.GetUtcNow();
        audit.Add(job.TeamId, userId, AuditActions.ReviewRecorded, "Image", imageId, new { scoreJobId = job.Id, decision = verdict.ToString() });
        await db.SaveChangesAsync(ct);
        return decision;
    }

    public async Task<List<ReviewView>> ListAsync(string userId, Guid jobId, CancellationToken ct = default)
    {
        var job = await scoring.FindAsync(userId, jobId, TeamRole.Viewer, ct);
        var rows = await db.ReviewDecisions.AsNoTracking().Where(d => d.ScoreJobId == job.Id)
            .GroupJoin(db.Users, d => d.ReviewerUserId, u => u.Id, (d, users) => new { d, users })
            .SelectMany(x => x.users.DefaultIfEmpty(), (x, u) => new { x.d, Name = u == null ? null : u.UserName })
            .ToListAsync(ct);
        return [.. rows.Select(r => new ReviewView(r.d.DatasetImageId, r.d.Decision, r.d.Note, r.d.ReviewerUserId, r.Name ?? r.d.ReviewerUserId, r.d.DecidedAt))];
    }

    /// <summary>One page of the job's decisions, filtered and sorted in the database, with the count of all that match.</summary>
    public async Task<ReviewHistoryPage> HistoryAsync(string userId, Guid jobId, ReviewHistoryQuery query, CancellationToken ct = default)
    {
        if (query.Skip < 0 || query.Take is < 1 or > 500) throw new RequestRejectedException("skip must be ≥ 0 and take between 1 and 500.");
        var job = await scoring.FindAsync(userId, jobId, TeamRole.Viewer, ct);
        var rows = db.ReviewDecisions.AsNoTracking().Where(d => d.ScoreJobId == job.Id)
            .Join(db.ImageScores.Where(s => s.ScoreJobId == job.Id), d => d.DatasetImageId, s => s.DatasetImageId, (d, s) => new { d, s.ImageIndex, s.Label, s.Score })
            .GroupJoin(db.Users, x => x.d.ReviewerUserId, u => u.Id, (x, users) => new { x, users })
            .SelectMany(x => x.users.DefaultIfEmpty(), (x, u) => new { x.x.d, x.x.ImageIndex, x.x.Label, x.x.Score, Reviewer = u == null ? x.x.d.ReviewerUserId : u.UserName ?? x.x.d.ReviewerUserId });
        if (query.Decision is { } verdict) rows = rows.Where(r => r.d.Decision == verdict);
        if (!string.IsNullOrWhiteSpace(query.Search))
        {
            var term = query.Search.Trim().ToLower();
            rows = rows.Where(r => r.Reviewer.ToLower().Contains(term) || (r.d.Note != null && r.d.Note.ToLower().Contains(term)));
        }
        var total = await rows.CountAsync(ct);
        var desc = query.Descending;
        var ordered = (query.SortBy ?? "decided") switch
        {
            "score" => desc ? rows.OrderByDescending(r => r.Score) : rows.OrderBy(r => r.Score),
            "image" => desc ? rows.OrderByDescending(r => r.ImageIndex) : rows.OrderBy(r => r.ImageIndex),
            "decision" => desc ? rows.OrderByDescending(r => r.d.Decision) : rows.OrderBy(r => r.d.Decision),
            "reviewer" => desc ? rows.OrderByDescending(r => r.Reviewer) : rows.OrderBy(r => r.Reviewer),
            "decided" => desc ? rows.OrderByDescending(r => r.d.DecidedAt) : rows.OrderBy(r => r.d.DecidedAt),
            var other => throw new RequestRejectedException($"Decisions can be sorted by decided, score, image, decision or reviewer, not '{other}'."),
        };
        var page = await ordered.ThenBy(r => r.d.Id).Skip(query.Skip).Take(query.Take).ToListAsync(ct);
        var classNames = JsonSerializer.Deserialize<List<string>>(await db.Datasets.Where(d => d.Id == job.DatasetId).Select(d => d.ClassNamesJson).SingleAsync(ct)) ?? [];
        return new ReviewHistoryPage(total, [.. page.Select(r => new ReviewHistoryItem(r.d.DatasetImageId, r.ImageIndex,
            r.Label is { } l && l >= 0 && l < classNames.Count ? classNames[l] : null, r.Score, r.d.Decision, r.Reviewer, r.d.DecidedAt, r.d.Note))]);
    }

    /// <summary>The decisions as CSV, worst score first: image, class, score, method, decision, reviewer, decided_at, note.</summary>
    public async Task<string> CsvAsync(string userId, Guid jobId, CancellationToken ct = default)
    {
        var job = await scoring.FindAsync(userId, jobId, TeamRole.Viewer, ct);
        var decisions = await ListAsync(userId, jobId, ct);
        var ids = decisions.Select(d => d.ImageId).ToList();
        var images = await db.DatasetImages.AsNoTracking().Where(i => ids.Contains(i.Id)).ToDictionaryAsync(i => i.Id, ct);
        var scores = await db.ImageScores.AsNoTracking().Where(s => s.ScoreJobId == job.Id && ids.Contains(s.DatasetImageId)).ToDictionaryAsync(s => s.DatasetImageId, s => s.Score, ct);
        var classNames = JsonSerializer.Deserialize<List<string>>(await db.Datasets.Where(d => d.Id == job.DatasetId).Select(d => d.ClassNamesJson).SingleAsync(ct)) ?? [];
        var csv = new StringBuilder("image,class,score,method,decision,reviewer,decided_at,note\n");
        foreach (var d in decisions.OrderByDescending(d => scores.GetValueOrDefault(d.ImageId)))
        {
            var image = images.GetValueOrDefault(d.ImageId);
            var label = image?.Label is { } l && l >= 0 && l < classNames.Count ? classNames[l] : "";
            csv.Append(CsvText.Field(image?.OriginalName ?? d.ImageId.ToString(CultureInfo.InvariantCulture))).Append(',')
               .Append(CsvText.Field(label)).Append(',')
               .Append(scores.GetValueOrDefault(d.ImageId).ToString("R", CultureInfo.InvariantCulture)).Append(',')
               .Append(job.Method).Append(',')
               .Append(d.Decision.ToString()).Append(',')
               .Append(CsvText.Field(d.Reviewer)).Append(',')
               .Append(d.DecidedAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)).Append(',')
               .Append(CsvText.Field(d.Note ?? "")).Append('\n');
        }
        return csv.ToString();
    }
}
