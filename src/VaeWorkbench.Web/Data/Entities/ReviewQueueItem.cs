namespace VaeWorkbench.Web.Data.Entities;

/// <summary>
/// An image a team member sent to a score job's review queue by hand (for example a region of the latent map), so it
/// is reviewed alongside the images the threshold flags, whatever its score. Decisions on it are ordinary
/// <see cref="ReviewDecision"/>s of that job.
/// </summary>
public sealed class ReviewQueueItem
{
    public long Id { get; set; }

    public Guid ScoreJobId { get; set; }

    public long DatasetImageId { get; set; }

    /// <summary>Why it was queued, shown on the review card (for example "latent map region").</summary>
    public string? Reason { get; set; }

    public required string QueuedByUserId { get; set; }

    public DateTimeOffset QueuedAt { get; set; }
}
