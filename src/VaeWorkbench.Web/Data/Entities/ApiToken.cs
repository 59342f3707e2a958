namespace VaeWorkbench.Web.Data.Entities;

/// <summary>A personal access token. The secret is shown once; only its SHA-256 hash is kept.</summary>
public sealed class ApiToken
{
    public Guid Id { get; set; }

    public required string UserId { get; set; }

    public AppUser? User { get; set; }

    public required string Name { get; set; }

    /// <summary>The first characters of the token, so a user can tell tokens apart without the secret.</summary>
    public required string Prefix { get; set; }

    public required string TokenHash { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? LastUsedAt { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }
}
