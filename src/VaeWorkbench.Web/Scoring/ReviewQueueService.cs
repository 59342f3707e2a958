using Microsoft.EntityFrameworkCore;
using VaeWorkbench.Web.Audit;
using VaeWorkbench.Web.Data;
using VaeWorkbench.Web.Data.Configurations;
using VaeWorkbench.Web.Data.Entities;
using VaeWorkbench.Web.Teams;

namespace VaeWorkbench.Web.Scoring;

public sealed record QueueForReviewRequest(IReadOnlyList<long>? ImageIds, string? Reason);

/// <summary><see cref="Queued"/> images joined the queue now; <see cref="AlreadyQueued"/> were in it and keep their first entry.</summary>
public sealed record QueueForReviewResult(int Queued, int AlreadyQueued);

/// <summary>
/// Sends images to a score job's review queue by hand (Editor), whatever their score: the review page lists them with
/// the flagged images, and decisions on them are ordinary decisions of that job. Every image must be scored by the job.
/// </summary>
public sealed class ReviewQueueService(AppDbContext db, ScoringService scoring, TimeProvider clock, AuditLog audit)
{
    public async Task<QueueForReviewResult> QueueAsync(string userId, Guid jobId, QueueForReviewRequest request, CancellationToken ct = default)
    {
        var job = await scoring.FindAsync(userId, jobId, TeamRole.Editor, ct);
        if (job.Status != ScoreJobStatus.Succeeded) throw new RequestRejectedException($"the score job has not finished ({job.Status}); images can be queued once it has.");
        var ids = (request.ImageIds ?? []).Distinct().ToList();
        if (ids.Count == 0) throw new RequestRejectedException("imageIds must name at least one image.");
        var reason = string.IsNullOrWhiteSpace(request.Reason) ? null : request.Reason.Trim();
        if (reason is { Length: > ReviewQueueItemConfiguration.MaxReasonLength }) throw new RequestRejectedException($"reason is longer than {ReviewQueueItemConfiguration.MaxReasonLength} characters.");
        var scored = await db.ImageScores.Where(s => s.ScoreJobId == job.Id && ids.Contains(s.DatasetImageId)).CountAsync(ct);
        // An image this job did not score may be another team's: "not found", as for every foreign id.
        if (scored != ids.Count) throw AccessDeniedException.NotFound("Image");
        var already = (await db.ReviewQueueItems.Where(q => q.ScoreJobId == job.Id && ids.Contains(q.DatasetImageId))
            .Select(q => q.DatasetImageId).ToListAsync(ct)).ToHashSet();
        var now = clock.GetUtcNow();
        var added = ids.Where(id => !already.Contains(id)).ToList();
        db.ReviewQueueItems.AddRange(added.Select(id => new ReviewQueueItem { ScoreJobId = job.Id, DatasetImageId = id, Reason = reason, QueuedByUserId = userId, QueuedAt = now }));
        audit.Add(job.TeamId, userId, AuditActions.ReviewQueued, "Score job", job.Id, new { images = added.Count, reason });
        await db.SaveChangesAsync(ct);
        return new QueueForReviewResult(added.Count, already.Count);
    }
}
