using Microsoft.EntityFrameworkCore;
using VaeWorkbench.Web.Data;
using VaeWorkbench.Web.Data.Entities;
using VaeWorkbench.Web.Teams;

namespace VaeWorkbench.Web.Identity;

public sealed record ApiTokenSummary(Guid Id, string Name, string Prefix, DateTimeOffset CreatedAt, DateTimeOffset? LastUsedAt, DateTimeOffset? RevokedAt);

/// <summary>Personal access tokens: created with the secret shown once, stored as a SHA-256 hash, revocable.</summary>
public sealed class ApiTokenService(AppDbContext db, TimeProvider clock)
{
    public const string TokenPrefix = "vwb_";
    public const int MaxNameLength = 100;

    public async Task<(string Token, ApiTokenSummary Summary)> CreateAsync(string userId, string? name, CancellationToken ct = default)
    {
        name = string.IsNullOrWhiteSpace(name) ? "API token" : UserGivenNames.Validate(name, "A token name", MaxNameLength);
        var secret = SecretCodes.NewSecret(TokenPrefix, 32);
        var token = new ApiToken
        {
            Id = Guid.NewGuid(), UserId = userId, Name = name, Prefix = secret[..(TokenPrefix.Length + 6)],
            TokenHash = SecretCodes.Hash(secret), CreatedAt = clock.GetUtcNow(),
        };
        db.ApiTokens.Add(token);
        await db.SaveChangesAsync(ct);
        return (secret, ToSummary(token));
    }

    public Task<List<ApiTokenSummary>> ListAsync(string userId, CancellationToken ct = default) =>
        db.ApiTokens.Where(t => t.UserId == userId).OrderByDescending(t => t.CreatedAt)
            .Select(t => new ApiTokenSummary(t.Id, t.Name, t.Prefix, t.CreatedAt, t.LastUsedAt, t.RevokedAt))
            .ToListAsync(ct);

    public async Task RevokeAsync(string userId, Guid tokenId, CancellationToken ct = default)
    {
        // Another user's token id is answered exactly like a missing one.
        var token = await db.ApiTokens.FirstOrDefaultAsync(t => t.Id == tokenId && t.UserId == userId, ct)
            ?? throw AccessDeniedException.NotFound("Token");
        token.RevokedAt ??= clock.GetUtcNow();
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Returns the owner of a live token, or null for an unknown or revoked one.</summary>
    public async Task<AppUser?> ValidateAsync(string presented, CancellationToken ct = default)
    {
        if (!presented.StartsWith(TokenPrefix, StringComparison.Ordinal) || presented.Length > 200) return null;
        var hash = SecretCodes.Hash(presented);
        var token = await db.ApiTokens.Include(t => t.User).FirstOrDefaultAsync(t => t.TokenHash == hash, ct);
        if (token is null || token.RevokedAt is not null || token.User is null) return null;
        var now = clock.GetUtcNow();
        // Record use at most once a minute, so busy clients do not turn every read into a write.
        if (token.LastUsedAt is null || now - token.LastUsedAt > TimeSpan.FromMinutes(1))
        {
            token.LastUsedAt = now;
            await db.SaveChangesAsync(ct);
        }
        return token.User;
    }

    private static ApiTokenSummary ToSummary(ApiToken t) => new(t.Id, t.Name, t.Prefix, t.CreatedAt, t.LastUsedAt, t.RevokedAt);
}
