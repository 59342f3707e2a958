using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using VaeWorkbench.Web.Audit;
using VaeWorkbench.Web.Data;
using VaeWorkbench.Web.Data.Entities;
using VaeWorkbench.Web.Options;

namespace VaeWorkbench.Web.Teams;

/// <summary>A new invite: its code is shown once, in the link the owner copies; only its hash is stored.</summary>
public sealed record CreatedInvite(Guid Id, string Code, TeamRole Role, DateTimeOffset ExpiresAt);

public enum InviteState { Pending, Used, Expired, Revoked }

/// <summary>An invite as the team page and <c>GET /api/teams/{id}/invites</c> list it (never with its code).</summary>
public sealed record InviteSummary(Guid Id, TeamRole Role, InviteState State, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt, string CreatedBy);

/// <summary>What a code leads to, for the join page: the team and role, or why it cannot be used.</summary>
public sealed record InvitePreview(Guid TeamId, string TeamName, TeamRole Role, InviteState State, DateTimeOffset ExpiresAt);

/// <summary>Team invites: create a link with an expiry and a role, list and revoke them, and join with one.</summary>
public sealed class InviteService(AppDbContext db, TeamAccess access, IOptions<AuthOptions> authOptions, TimeProvider clock, AuditLog audit)
{
    /// <summary>The link to send: it opens the join page, which signs in or registers the visitor first when needed.</summary>
    public static string Link(string baseUri, string code) => $"{baseUri.TrimEnd('/')}/join/{Uri.EscapeDataString(code)}";

    public async Task<CreatedInvite> CreateAsync(string userId, Guid teamId, TeamRole role, CancellationToken ct = default)
    {
        await access.RequireAsync(userId, teamId, TeamRole.Owner, ct: ct);
        if (!Enum.IsDefined(role)) throw new RequestRejectedException($"Unknown role '{role}'. Use Owner, Editor or Viewer.");
        var code = SecretCodes.NewSecret("inv_", 12);
        var now = clock.GetUtcNow();
        var invite = new TeamInvite
        {
            Id = Guid.NewGuid(), TeamId = teamId, Role = role, CodeHash = SecretCodes.Hash(code), CreatedByUserId = userId,
            CreatedAt = now, ExpiresAt = now.AddDays(authOptions.Value.InviteValidDays),
        };
        db.TeamInvites.Add(invite);
        audit.Add(teamId, userId, AuditActions.InviteCreated, "Team", teamId, new { role, inviteId = invite.Id });
        await db.SaveChangesAsync(ct);
        return new CreatedInvite(invite.Id, code, role, invite.ExpiresAt);
    }

    /// <summary>The team's invites that can still be used, newest first (Owner).</summary>
    public async Task<List<InviteSummary>> ListPendingAsync(string userId, Guid teamId, CancellationToken ct = default)
    {
        await access.RequireAsync(userId, teamId, TeamRole.Owner, ct: ct);
        var rows = await db.TeamInvites.AsNoTracking()
            .Where(i => i.TeamId == teamId && i.RedeemedAt == null && i.RevokedAt == null)
            .Select(i => new { Invite = i, CreatedBy = db.Users.Where(u => u.Id == i.CreatedByUserId).Select(u => u.Email).FirstOrDefault() })
            .ToListAsync(ct);
        var now = clock.GetUtcNow();
        return rows.Where(r => r.Invite.ExpiresAt > now).OrderByDescending(r => r.Invite.CreatedAt)
            .Select(r => new InviteSummary(r.Invite.Id, r.Invite.Role, InviteState.Pending, r.Invite.CreatedAt, r.Invite.ExpiresAt, r.CreatedBy ?? "(deleted user)"))
            .ToList();
    }

    /// <summary>Revokes an unused invite (Owner): its link stops working at once and says so.</summary>
    public async Task RevokeAsync(string userId, Guid teamId, Guid inviteId, CancellationToken ct = default)
    {
        await access.RequireAsync(userId, teamId, TeamRole.Owner, ct: ct);
        var invite = await db.TeamInvites.FirstOrDefaultAsync(i => i.Id == inviteId && i.TeamId == teamId, ct)
            ?? throw AccessDeniedException.NotFound("Invite");
        if (invite.RedeemedAt is not null) throw new RequestRejectedException("This invite has already been used; remove the member instead.");
        if (invite.RevokedAt is not null) return;
        invite.RevokedAt = clock.GetUtcNow();
        invite.RevokedByUserId = userId;
        audit.Add(teamId, userId, AuditActions.InviteRevoked, "Team", teamId, new { role = invite.Role, inviteId });
        await db.SaveChangesAsync(ct);
    }

    /// <summary>The team and role a code leads to, and whether it can still be used; null for an unknown code.</summary>
    public async Task<InvitePreview?> PreviewAsync(string? code, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(code)) return null;
        var hash = SecretCodes.Hash(code.Trim());
        var found = await db.TeamInvites.AsNoTracking().Where(i => i.CodeHash == hash)
            .Select(i => new { Invite = i, TeamName = i.Team!.Name }).FirstOrDefaultAsync(ct);
        return found is null ? null : new InvitePreview(found.Invite.TeamId, found.TeamName, found.Invite.Role, StateOf(found.Invite), found.Invite.ExpiresAt);
    }

    /// <summary>Null when the code can be redeemed now; otherwise the reason, in the words a person reads.</summary>
    public async Task<string?> RefusalAsync(string? code, CancellationToken ct = default) => Refusal(await PreviewAsync(code, ct));

    /// <summary>
    /// Redeems a code: the user joins the team with the invite's role (or keeps a higher one), and the team becomes the
    /// one they work in, since they followed the link to work there.
    /// </summary>
    public async Task<TeamSummary> JoinAsync(string userId, string code, CancellationToken ct = default)
    {
        var preview = await PreviewAsync(code, ct);
        if (Refusal(preview) is { } reason) throw new RequestRejectedException(reason);
        var hash = SecretCodes.Hash(code.Trim());
        var invite = await db.TeamInvites.AsNoTracking().FirstAsync(i => i.CodeHash == hash, ct);
        var now = clock.GetUtcNow();
        // The conditional update makes redemption atomic: of two people racing for one code, exactly one wins, and an
        // owner's revocation at the same moment either lands first (refused) or after (the member stays; remove them).
        var claimed = await db.TeamInvites
            .Where(i => i.Id == invite.Id && i.RedeemedAt == null && i.RevokedAt == null)
            .ExecuteUpdateAsync(set => set.SetProperty(i => i.RedeemedAt, now).SetProperty(i => i.RedeemedByUserId, userId), ct);
        if (claimed == 0) throw new RequestRejectedException("This invite was just used or revoked.");
        var existing = await db.TeamMembers.FirstOrDefaultAsync(m => m.TeamId == invite.TeamId && m.UserId == userId, ct);
        if (existing is null)
            db.TeamMembers.Add(new TeamMember { TeamId = invite.TeamId, UserId = userId, Role = invite.Role, JoinedAt = now });
        else if (existing.Role < invite.Role)
            existing.Role = invite.Role;
        var user = await db.Users.FirstAsync(u => u.Id == userId, ct);
        user.CurrentTeamId = invite.TeamId;
        audit.Add(invite.TeamId, userId, AuditActions.MemberJoined, "Member", userId, new { role = invite.Role, inviteId = invite.Id });
        await db.SaveChangesAsync(ct);
        var role = existing?.Role ?? invite.Role;
        return new TeamSummary(invite.TeamId, preview!.TeamName, role, IsPersonal: false);
    }

    private InviteState StateOf(TeamInvite invite) =>
        invite.RevokedAt is not null ? InviteState.Revoked
        : invite.RedeemedAt is not null ? InviteState.Used
        : invite.ExpiresAt <= clock.GetUtcNow() ? InviteState.Expired
        : InviteState.Pending;

    private static string? Refusal(InvitePreview? preview) => preview?.State switch
    {
        null => "This invite code is unknown. Check that the whole link was copied.",
        InviteState.Pending => null,
        InviteState.Used => "This invite has already been used. Ask the team's owner for a new one.",
        InviteState.Revoked => "This invite was revoked by the team's owner. Ask them for a new one.",
        InviteState.Expired => $"This invite expired on {preview.ExpiresAt:yyyy-MM-dd HH:mm} UTC. Ask the team's owner for a new one.",
        _ => "This invite cannot be used.",
    };
}
