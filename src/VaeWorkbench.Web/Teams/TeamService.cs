using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using VaeWorkbench.Web.Audit;
using VaeWorkbench.Web.Data;
using VaeWorkbench.Web.Data.Entities;
using VaeWorkbench.Web.Options;

namespace VaeWorkbench.Web.Teams;

public sealed record TeamSummary(Guid Id, string Name, TeamRole Role, bool IsPersonal);

public sealed record MemberSummary(string UserId, string Email, TeamRole Role, DateTimeOffset JoinedAt);

/// <summary>Teams, memberships and invites. Every method that names a team checks the caller's role through <see cref="TeamAccess"/>.</summary>
public sealed class TeamService(AppDbContext db, TeamAccess access, TimeProvider clock, AuditLog audit)
{
    public const int MaxNameLength = 100;

    public async Task<Team> CreateTeamAsync(string ownerUserId, string name, bool personal = false, CancellationToken ct = default)
    {
        var team = new Team { Id = Guid.NewGuid(), Name = ValidName(name), IsPersonal = personal, CreatedAt = clock.GetUtcNow() };
        db.Teams.Add(team);
        db.TeamMembers.Add(new TeamMember { TeamId = team.Id, UserId = ownerUserId, Role = TeamRole.Owner, JoinedAt = team.CreatedAt });
        var user = await db.Users.FirstAsync(u => u.Id == ownerUserId, ct);
        user.CurrentTeamId ??= team.Id;
        await db.SaveChangesAsync(ct);
        return team;
    }

    public Task<List<TeamSummary>> ListForUserAsync(string userId, CancellationToken ct = default) =>
        db.TeamMembers.Where(m => m.UserId == userId)
            .OrderByDescending(m => m.Team!.IsPersonal).ThenBy(m => m.Team!.Name)
            .Select(m => new TeamSummary(m.TeamId, m.Team!.Name, m.Role, m.Team.IsPersonal))
            .ToListAsync(ct);

    public async Task<TeamSummary> GetAsync(string userId, Guid teamId, CancellationToken ct = default)
    {
        var role = await access.RequireAsync(userId, teamId, TeamRole.Viewer, ct: ct);
        var team = await db.Teams.FirstAsync(t => t.Id == teamId, ct);
        return new TeamSummary(team.Id, team.Name, role, team.IsPersonal);
    }

    public async Task RenameAsync(string userId, Guid teamId, string name, CancellationToken ct = default)
    {
        await access.RequireAsync(userId, teamId, TeamRole.Owner, ct: ct);
        var team = await db.Teams.FirstAsync(t => t.Id == teamId, ct);
        team.Name = ValidName(name);
        audit.Add(teamId, userId, AuditActions.TeamRenamed, "Team", teamId, new { name = team.Name });
        await db.SaveChangesAsync(ct);
    }

    /// <summary>The team the user works in: the saved choice while they are still a member, else their first team.</summary>
    public async Task<TeamSummary?> CurrentTeamAsync(string userId, CancellationToken ct = default)
    {
        var teams = await ListForUserAsync(userId, ct);
        var saved = await db.Users.Where(u => u.Id == userId).Select(u => u.CurrentTeamId).FirstOrDefaultAsync(ct);
        return teams.FirstOrDefault(t => t.Id == saved) ?? teams.FirstOrDefault();
    }

    public async Task SwitchCurrentTeamAsync(string userId, Guid teamId, CancellationToken ct = default)
    {
        await access.RequireAsync(userId, teamId, TeamRole.Viewer, ct: ct);
        var user = await db.Users.FirstAsync(u => u.Id == userId, ct);
        user.CurrentTeamId = teamId;
        await db.SaveChangesAsync(ct);
    }

    public async Task<List<MemberSummary>> MembersAsync(string userId, Guid teamId, CancellationToken ct = default)
    {
        await access.RequireAsync(userId, teamId, TeamRole.Viewer, ct: ct);
        return await db.TeamMembers.Where(m => m.TeamId == teamId)
            .OrderByDescending(m => m.Role).ThenBy(m => m.User!.Email)
            .Select(m => new MemberSummary(m.UserId, m.User!.Email!, m.Role, m.JoinedAt))
            .ToListAsync(ct);
    }

    public async Task ChangeRoleAsync(string userId, Guid teamId, string memberUserId, TeamRole role, CancellationToken ct = default)
    {
        await access.RequireAsync(userId, teamId, TeamRole.Owner, ct: ct);
        if (!Enum.IsDefined(role)) throw new RequestRejectedException($"Unknown role '{role}'. Use Owner, Editor or Viewer.");
        var member = await db.TeamMembers.FirstOrDefaultAsync(m => m.TeamId == teamId && m.UserId == memberUserId, ct)
            ?? throw AccessDeniedException.NotFound("Member");
        if (member.Role == TeamRole.Owner && role != TeamRole.Owner) await EnsureAnotherOwnerAsync(teamId, memberUserId, ct);
        audit.Add(teamId, userId, AuditActions.MemberRoleChanged, "Member", memberUserId, new { from = member.Role, to = role });
        member.Role = role;
        await db.SaveChangesAsync(ct);
    }

    public async Task RemoveMemberAsync(string userId, Guid teamId, string memberUserId, CancellationToken ct = default)
    {
        // Leaving a team yourself needs no Owner role; removing someone else does.
        await access.RequireAsync(userId, teamId, memberUserId == userId ? TeamRole.Viewer : TeamRole.Owner, ct: ct);
        var member = await db.TeamMembers.FirstOrDefaultAsync(m => m.TeamId == teamId && m.UserId == memberUserId, ct)
            ?? throw AccessDeniedException.NotFound("Member");
        if (member.Role == TeamRole.Owner) await EnsureAnotherOwnerAsync(teamId, memberUserId, ct);
        db.TeamMembers.Remove(member);
        audit.Add(teamId, userId, AuditActions.MemberRemoved, "Member", memberUserId, new { role = member.Role, left = memberUserId == userId });
        await db.SaveChangesAsync(ct);
    }

    private async Task EnsureAnotherOwnerAsync(Guid teamId, string leavingOwnerId, CancellationToken ct)
    {
        var others = await db.TeamMembers.CountAsync(m => m.TeamId == teamId && m.Role == TeamRole.Owner && m.UserId != leavingOwnerId, ct);
        if (others == 0) throw new RequestRejectedException("A team needs at least one Owner; make someone else Owner first.");
    }

    private static string ValidName(string? name) => UserGivenNames.Validate(name, "A team name", MaxNameLength);
}
