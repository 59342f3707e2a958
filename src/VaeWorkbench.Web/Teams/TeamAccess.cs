using Microsoft.EntityFrameworkCore;
using VaeWorkbench.Web.Data;
using VaeWorkbench.Web.Data.Entities;

namespace VaeWorkbench.Web.Teams;

/// <summary>
/// The one place that decides whether a user may act in a team. It reads the membership from the database on every
/// call, so a removed member or a lowered role takes effect on the very next action, in the browser and over the API.
/// </summary>
public sealed class TeamAccess(AppDbContext db)
{
    public Task<TeamRole?> RoleOfAsync(string userId, Guid teamId, CancellationToken ct = default) =>
        db.TeamMembers.Where(m => m.TeamId == teamId && m.UserId == userId)
            .Select(m => (TeamRole?)m.Role)
            .FirstOrDefaultAsync(ct);

    /// <summary>Returns the caller's role, or throws: 404 when not a member, 403 when the role is below <paramref name="required"/>.</summary>
    public async Task<TeamRole> RequireAsync(string userId, Guid teamId, TeamRole required, string what = "Team", CancellationToken ct = default)
    {
        var role = await RoleOfAsync(userId, teamId, ct) ?? throw AccessDeniedException.NotFound(what);
        if (role < required)
            throw AccessDeniedException.Forbidden($"This needs the {required} role in the team; you are {ToArticle(role)} {role}.");
        return role;
    }

    private static string ToArticle(TeamRole role) => role == TeamRole.Owner ? "an" : "a";
}
