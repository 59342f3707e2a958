namespace VaeWorkbench.Web.Data.Entities;

/// <summary>
/// One decision as it was made, with what it replaced, so that its reviewer can undo it. A request makes one batch
/// (a single decision, or every image of a bulk decision); undo takes back the reviewer's latest batch in a queue that
/// is not undone yet, so repeated undos walk back through their decisions.
/// </summary>
public sealed class ReviewDecisionEvent
{
    public long Id { get; set; }

    public Guid ScoreJobId { get; set; }

    public long DatasetImageId { get; set; }

    /// <summary>The request this decision came with; a bulk decision's images share one.</summary>
    public Guid BatchId { get; set; }

    public required string UserId { get; set; }

    public DateTimeOffset DecidedAt { get; set; }

    public ReviewVerdict Decision { get; set; }

    public string? Note { get; set; }

    /// <summary>The decision this one replaced; null when the image had none.</summary>
    public ReviewVerdict? PreviousDecision { get; set; }

    public string? PreviousNote { get; set; }

    public string? PreviousReviewerUserId { get; set; }

    public DateTimeOffset? PreviousDecidedAt { get; set; }

    /// <summary>Set when the reviewer undid this decision.</summary>
    public DateTimeOffset? UndoneAt { get; set; }
}
