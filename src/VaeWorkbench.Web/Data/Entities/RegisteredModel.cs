namespace VaeWorkbench.Web.Data.Entities;

/// <summary>A named model in a team's registry ("fashion-shirts"); its versions are the team's shared assets.</summary>
public sealed class RegisteredModel : Labels.ILabelled
{
    public Guid Id { get; set; }

    public Guid TeamId { get; set; }

    /// <summary>Unique within the team.</summary>
    public required string Name { get; set; }

    /// <summary>The model card (Markdown).</summary>
    public string Description { get; set; } = "";

    /// <summary>Short free-text notes, separate from the card.</summary>
    public string Notes { get; set; } = "";

    /// <summary>The model's own tags (each version has its own too), as a JSON array of strings.</summary>
    public string TagsJson { get; set; } = "[]";

    public required string CreatedByUserId { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}
