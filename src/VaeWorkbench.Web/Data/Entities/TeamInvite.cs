namespace VaeWorkbench.Web.Data.Entities;

/// <summary>A one-time code that adds its redeemer to a team with a role. Only the code's hash is stored.</summary>
public sealed class TeamInvite
{
    public Guid Id { get; set; }

    public Guid TeamId { get; set; }

    public Team? Team { get; set; }

    public TeamRole Role { get; set; }

    public required string CodeHash { get; set; }

    public required string CreatedByUserId { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset ExpiresAt { get; set; }

    public string? RedeemedByUserId { get; set; }

    public DateTimeOffset? RedeemedAt { get; set; }

    /// <summary>Set when an owner revokes the invite; its link then says so instead of working.</summary>
    public DateTimeOffset? RevokedAt { get; set; }

    public string? RevokedByUserId { get; set; }
}
