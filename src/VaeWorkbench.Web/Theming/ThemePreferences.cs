using Microsoft.EntityFrameworkCore;
using VaeWorkbench.Web.Data;

namespace VaeWorkbench.Web.Theming;

/// <summary>Reads and saves a user's light/dark choice, so it follows them from browser to browser.</summary>
public sealed class ThemePreferences(AppDbContext db)
{
    /// <summary>The saved choice, or null when the user never chose (then the browser's cookie or the system decides).</summary>
    public async Task<ThemeChoice?> GetAsync(string userId, CancellationToken cancellationToken = default) =>
        await db.Users.Where(u => u.Id == userId).Select(u => u.ThemeChoice).FirstOrDefaultAsync(cancellationToken);

    public async Task SetAsync(string userId, ThemeChoice choice, CancellationToken cancellationToken = default) =>
        await db.Users.Where(u => u.Id == userId)
            .ExecuteUpdateAsync(s => s.SetProperty(u => u.ThemeChoice, choice), cancellationToken);
}
