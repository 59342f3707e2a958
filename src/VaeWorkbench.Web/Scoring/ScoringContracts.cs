using VaeWorkbench.Web.Data.Entities;

namespace VaeWorkbench.Web.Scoring;

public sealed record StartScoreRequest(Guid DatasetId, string? Method, int? K);

public sealed record StartScoreResponse(Guid JobId);

/// <summary>The threshold rule as stored (mode and value), the score it gives on this job's scores, and how many images were queued by hand.</summary>
public sealed record ThresholdView(string Mode, double Value, double? Score, int Flagged, int Queued);

/// <summary>One scored image; <see cref="Queued"/> when a member sent it to the review queue by hand (it is reviewed even if not flagged).</summary>
public sealed record ScoredImage(long ImageId, int Index, int? Label, double Score, bool Flagged, bool Queued)
{
    /// <summary>In the review queue: flagged by the threshold, or queued by hand.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool ForReview => Flagged || Queued;
}

public sealed record ScoreJobSummary(
    Guid Id, Guid ModelId, Guid DatasetId, string DatasetName, string Method, int K, ScoreJobStatus Status, double Progress,
    string? Error, double? Auroc, double? AveragePrecision, DateTimeOffset CreatedAt);

public sealed record ScoreJobResult(
    Guid Id, Guid TeamId, Guid ModelId, Guid DatasetId, string Method, int K, ScoreJobStatus Status, double Progress, string? Error,
    ThresholdView Threshold, IReadOnlyList<int> NormalClasses, IReadOnlyList<string> ClassNames, double? Auroc, double? AveragePrecision,
    IReadOnlyList<ScoredImage> Items);

/// <summary>Threshold mode (Percentile, RobustZ, Manual) with its value, and the classes to treat as normal for AUROC.</summary>
public sealed record ScoreSettingsRequest(string? ThresholdMode, double? ThresholdValue, IReadOnlyList<int>? NormalClasses);

public sealed record ReviewRequest(long ImageId, Guid ScoreJobId, string? Decision, string? Note);

/// <summary><c>POST /api/scores/{jobId}/reviews/bulk</c>: one decision (Anomaly to confirm, Normal to dismiss, or Skip) on many images.</summary>
public sealed record BulkReviewRequest(List<long>? ImageIds, string? Decision, string? Note = null);

public sealed record BulkReviewResult(ReviewVerdict Decision, int Decided, List<ReviewView> Reviews);

/// <summary>An image whose decision was taken back: <see cref="Restored"/> is the decision it has again (null: none).</summary>
public sealed record UndoneReview(long ImageId, ReviewVerdict Undone, ReviewVerdict? Restored, string? RestoredReviewerUserId);

public sealed record SkippedUndo(long ImageId, string Reason);

/// <summary>What one undo did; <see cref="Remaining"/> counts the caller's steps left to undo in this queue.</summary>
public sealed record UndoReviewResult(List<UndoneReview> Undone, List<SkippedUndo> Skipped, int Remaining);

public sealed record ReviewView(long ImageId, ReviewVerdict Decision, string? Note, string ReviewerUserId, string Reviewer, DateTimeOffset DecidedAt);

/// <summary>Progress of a scoring job for open pages.</summary>
public sealed record ScoreUpdate(Guid JobId, ScoreJobStatus Status, double Progress, string? Error = null);

public sealed record CleanedDatasetRequest(string? Name);

public sealed record CleanedDatasetResponse(Guid DatasetId, int Kept, int Excluded);
