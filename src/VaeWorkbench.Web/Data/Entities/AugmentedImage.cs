namespace VaeWorkbench.Web.Data.Entities;

/// <summary>One kept image of an augmented set. The PNG is in the blob store under <see cref="ContentHash"/>.</summary>
public sealed class AugmentedImage
{
    public long Id { get; set; }

    public Guid SetId { get; set; }

    /// <summary>Position among the kept images (0-based), in generation order.</summary>
    public int Index { get; set; }

    /// <summary>Index into the source dataset's class names, or null (prior samples, unlabeled sources).</summary>
    public int? Label { get; set; }

    public required string ContentHash { get; set; }

    /// <summary>The re-encoded negative ELBO in nats, when the ELBO filter scored it.</summary>
    public double? Score { get; set; }
}
