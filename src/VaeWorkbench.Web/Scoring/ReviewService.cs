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
        var verdict = ParseVerdict(request.Decision);
        var note = ParseNote(request.Note);
        if (!await db.ImageScores.AnyAsync(s => s.ScoreJobId == job.Id && s.DatasetImageId == request.ImageId, ct))
            throw AccessDeniedException.NotFound("Image"); // not scored by this job: maybe another team's, so not found
        var decisions = await SaveWithRetryAsync(userId, job, [request.ImageId], verdict, note, bulk: false, ct);
        var reviewer = await ReviewerNameAsync(userId, ct);
        return new ReviewView(request.ImageId, verdict, note, userId, reviewer, decisions[0].DecidedAt);
    }

    /// <summary>Most images one bulk decision may name.</summary>
    public const int MaxBulkImages = 5000;

    /// <summary>
    /// One decision on many images of a queue in one transaction (Editor): every image must have been scored by this job,
    /// or nothing changes and the first unknown one answers 404 (it may be another team's). Each image gets its own audit
    /// entry, as a single decision does; the whole request is one step for undo.
    /// </summary>
    public async Task<BulkReviewResult> DecideManyAsync(string userId, Guid jobId, BulkReviewRequest request, CancellationToken ct = default)
    {
        var job = await scoring.FindAsync(userId, jobId, TeamRole.Editor, ct);
        var verdict = ParseVerdict(request.Decision);
        var note = ParseNote(request.Note);
        if (request.ImageIds is not { Count: > 0 }) throw new RequestRejectedException("imageIds must name at least one image.");
        if (request.ImageIds.Count > MaxBulkImages) throw new RequestRejectedException($"imageIds may name at most {MaxBulkImages} images (got {request.ImageIds.Count}).");
        var ids = request.ImageIds.Distinct().ToList();
        var scored = new HashSet<long>();
        foreach (var chunk in ids.Chunk(500))
            scored.UnionWith(await db.ImageScores.Where(s => s.ScoreJobId == job.Id && chunk.Contains(s.DatasetImageId)).Select(s => s.DatasetImageId).ToListAsync(ct));
        if (ids.Any(id => !scored.Contains(id))) throw AccessDeniedException.NotFound("Image");
        var decisions = await SaveWithRetryAsync(userId, job, ids, verdict, note, bulk: true, ct);
        var reviewer = await ReviewerNameAsync(userId, ct);
        return new BulkReviewResult(verdict, decisions.Count, [.. decisions.Select(d => new ReviewView(d.DatasetImageId, verdict, note, userId, reviewer, d.DecidedAt))]);
    }

    /// <summary>
    /// Takes back the caller's latest decision in this queue that is not undone yet (a bulk decision as a whole): each
    /// image gets back the decision it had before (or none). An image decided again by someone else since keeps that
    /// newer decision and is listed as skipped. Repeating walks further back. Needs Editor, as deciding does.
    /// </summary>
    public async Task<UndoReviewResult> UndoAsync(string userId, Guid jobId, CancellationToken ct = default)
    {
        var job = await scoring.FindAsync(userId, jobId, TeamRole.Editor, ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var latest = await db.ReviewDecisionEvents.Where(e => e.ScoreJobId == job.Id && e.UserId == userId && e.UndoneAt == null)
            .OrderByDescending(e => e.Id).FirstOrDefaultAsync(ct);
        if (latest is null) return new UndoReviewResult([], [], 0);
        var events = await db.ReviewDecisionEvents.Where(e => e.BatchId == latest.BatchId && e.UndoneAt == null).OrderBy(e => e.Id).ToListAsync(ct);
        var imageIds = events.Select(e => e.DatasetImageId).ToList();
        var current = new Dictionary<long, ReviewDecision>();
        foreach (var chunk in imageIds.Chunk(500))
            foreach (var d in await db.ReviewDecisions.Where(d => d.ScoreJobId == job.Id && chunk.Contains(d.DatasetImageId)).ToListAsync(ct))
                current[d.DatasetImageId] = d;
        var now = clock.GetUtcNow();
        var undone = new List<UndoneReview>();
        var skipped = new List<SkippedUndo>();
        foreach (var e in events)
        {
            e.UndoneAt = now;
            var decision = current.GetValueOrDefault(e.DatasetImageId);
            // Still the decision this event made? Otherwise someone decided the image again since: theirs stands.
            if (decision is null || decision.ReviewerUserId != userId || decision.Decision != e.Decision || decision.DecidedAt != e.DecidedAt)
            {
                // The newer decision stands, but undoing it later must not bring back the one undone here: it now
                // replaced what this one had replaced.
                var newer = await db.ReviewDecisionEvents.Where(n => n.ScoreJobId == job.Id && n.DatasetImageId == e.DatasetImageId && n.Id > e.Id && n.UndoneAt == null)
                    .OrderByDescending(n => n.Id).FirstOrDefaultAsync(ct);
                if (newer is not null)
                    (newer.PreviousDecision, newer.PreviousNote, newer.PreviousReviewerUserId, newer.PreviousDecidedAt) =
                        (e.PreviousDecision, e.PreviousNote, e.PreviousReviewerUserId, e.PreviousDecidedAt);
                skipped.Add(new SkippedUndo(e.DatasetImageId, "decided again by another reviewer since; that decision stands"));
                continue;
            }
            if (e.PreviousDecision is { } previous)
            {
                decision.Decision = previous;
                decision.Note = e.PreviousNote;
                decision.ReviewerUserId = e.PreviousReviewerUserId ?? userId;
                decision.DecidedAt = e.PreviousDecidedAt ?? now;
            }
            else
            {
                db.ReviewDecisions.Remove(decision);
            }
            audit.Add(job.TeamId, userId, AuditActions.ReviewUndone, "Image", e.DatasetImageId,
                new { scoreJobId = job.Id, undone = e.Decision.ToString(), restored = e.PreviousDecision?.ToString() });
            undone.Add(new UndoneReview(e.DatasetImageId, e.Decision, e.PreviousDecision, e.PreviousDecision is null ? null : e.PreviousReviewerUserId));
        }
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        var remaining = await db.ReviewDecisionEvents.Where(e => e.ScoreJobId == job.Id && e.UserId == userId && e.UndoneAt == null)
            .Select(e => e.BatchId).Distinct().CountAsync(ct);
        return new UndoReviewResult(undone, skipped, remaining);
    }

    private static ReviewVerdict ParseVerdict(string? text)
    {
        if (!Enum.TryParse<ReviewVerdict>(text, ignoreCase: true, out var verdict) || !Enum.IsDefined(verdict) || int.TryParse(text, out _))
            throw new RequestRejectedException($"decision must be Anomaly, Normal or Skip, not '{text}'.");
        return verdict;
    }

    private static string? ParseNote(string? text)
    {
        var note = string.IsNullOrWhiteSpace(text) ? null : text.Trim();
        if (note is { Length: > ReviewDecisionConfiguration.MaxNoteLength }) throw new RequestRejectedException($"note is longer than {ReviewDecisionConfiguration.MaxNoteLength} characters.");
        return note;
    }

    private async Task<string> ReviewerNameAsync(string userId, CancellationToken ct) =>
        await db.Users.Where(u => u.Id == userId).Select(u => u.UserName).SingleAsync(ct) ?? userId;

    private async Task<List<ReviewDecision>> SaveWithRetryAsync(string userId, ScoreJob job, IReadOnlyList<long> imageIds, ReviewVerdict verdict, string? note, bool bulk, CancellationToken ct)
    {
        try
        {
            return await SaveDecisionsAsync(userId, job, imageIds, verdict, note, bulk, ct);
        }
        catch (DbUpdateException e) when (DatabaseErrors.IsDuplicateKey(e))
        {
            // Another reviewer's first decision on an image committed between our read and our insert: nothing of
            // ours was stored (decisions, their undo records and audit entries are one transaction), so decide again.
            db.ChangeTracker.Clear();
            return await SaveDecisionsAsync(userId, job, imageIds, verdict, note, bulk, ct);
        }
    }

    private async Task<List<ReviewDecision>> SaveDecisionsAsync(string userId, ScoreJob job, IReadOnlyList<long> imageIds, ReviewVerdict verdict, string? note, bool bulk, CancellationToken ct)
    {
        var existing = new Dictionary<long, ReviewDecision>();
        foreach (var chunk in imageIds.Chunk(500))
            foreach (var d in await db.ReviewDecisions.Where(d => d.ScoreJobId == job.Id && chunk.Contains(d.DatasetImageId)).ToListAsync(ct))
                existing[d.DatasetImageId] = d;
        var now = clock.GetUtcNow();
        var batch = Guid.NewGuid();
        var result = new List<ReviewDecision>(imageIds.Count);
        foreach (var imageId in imageIds)
        {
            var decision = existing.GetValueOrDefault(imageId);
            var step = new ReviewDecisionEvent
            {
                ScoreJobId = job.Id, DatasetImageId = imageId, BatchId = batch, UserId = userId, DecidedAt = now, Decision = verdict, Note = note,
                PreviousDecision = decision?.Decision, PreviousNote = decision?.Note, PreviousReviewerUserId = decision?.ReviewerUserId, PreviousDecidedAt = decision?.DecidedAt,
            };
            if (decision is null)
            {
                decision = new ReviewDecision { ScoreJobId = job.Id, DatasetImageId = imageId, ReviewerUserId = userId };
                db.ReviewDecisions.Add(decision);
            }
            decision.Decision = verdict;
            decision.Note = note;
            decision.ReviewerUserId = userId;
            decision.DecidedAt = now;
            db.ReviewDecisionEvents.Add(step);
            audit.Add(job.TeamId, userId, AuditActions.ReviewRecorded, "Image", imageId,
                bulk ? new { scoreJobId = job.Id, decision = verdict.ToString(), bulk = true } : new { scoreJobId = job.Id, decision = verdict.ToString() });
            result.Add(decision);
        }
        await db.SaveChangesAsync(ct);
        return result;
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
