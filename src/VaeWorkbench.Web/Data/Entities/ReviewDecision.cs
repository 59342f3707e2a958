namespace VaeWorkbench.Web.Data.Entities;

public enum ReviewVerdict
{
    Anomaly,
    Normal,
    Skip,
}

/// <summary>A reviewer's decision on one scored image; deciding again replaces it (with the new reviewer and time).</summary>
public sealed class ReviewDecision
{
    public long Id { get; set; }

    public Guid ScoreJobId { get; set; }

    public long DatasetImageId { get; set; }

    public ReviewVerdict Decision { get; set; }

    public string? Note { get; set; }

    public required string ReviewerUserId { get; set; }

    public DateTimeOffset DecidedAt { get; set; }
}
