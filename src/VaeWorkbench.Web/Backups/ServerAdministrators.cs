using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using VaeWorkbench.Web.Data;
using VaeWorkbench.Web.Options;

namespace VaeWorkbench.Web.Backups;

/// <summary>
/// Who administers the server, as opposed to a team: the users named in <see cref="AdminOptions.Emails"/>, or, when none
/// are named, the first user who registered. Read from the database on every call, like team roles, so a change applies
/// at once. Team owners are not administrators.
/// </summary>
public sealed class ServerAdministrators(IDbContextFactory<AppDbContext> contexts, IOptions<AdminOptions> options)
{
    public async Task<bool> IsAdministratorAsync(string userId, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var named = options.Value.Emails.Where(e => !string.IsNullOrWhiteSpace(e)).Select(e => e.Trim().ToUpperInvariant()).ToList();
        if (named.Count > 0)
            return await db.Users.AnyAsync(u => u.Id == userId && named.Contains(u.NormalizedEmail!), ct);
        var first = await db.Users.OrderBy(u => u.CreatedAt).ThenBy(u => u.Id).Select(u => u.Id).FirstOrDefaultAsync(ct);
        return first == userId;
    }
}
