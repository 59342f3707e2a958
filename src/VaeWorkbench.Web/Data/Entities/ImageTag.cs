namespace VaeWorkbench.Web.Data.Entities;

/// <summary>
/// A free-text tag a team member put on one dataset image (for example on a region of the latent map). Team-visible;
/// an image carries each tag once, and tagging it again keeps the first tagger and time.
/// </summary>
public sealed class ImageTag
{
    public long Id { get; set; }

    /// <summary>The image's dataset, stored so a dataset's tags are listed and filtered without a join.</summary>
    public Guid DatasetId { get; set; }

    public long DatasetImageId { get; set; }

    public required string Tag { get; set; }

    public required string TaggedByUserId { get; set; }

    public DateTimeOffset TaggedAt { get; set; }
}
