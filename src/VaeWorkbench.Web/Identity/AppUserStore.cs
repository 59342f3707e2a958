using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using VaeWorkbench.Web.Data;
using VaeWorkbench.Web.Data.Entities;

namespace VaeWorkbench.Web.Identity;

/// <summary>
/// Identity's user store over our <see cref="AppDbContext"/>. The stock EF store package is not obtainable here
/// (its KeyDerivation dependency is not served), while UserManager and SignInManager ship with ASP.NET Core itself;
/// this store supplies the persistence those need: users, password hashes, e-mail, lockout and security stamps.
/// </summary>
internal sealed class AppUserStore(AppDbContext db) :
    IUserPasswordStore<AppUser>,
    IUserEmailStore<AppUser>,
    IUserLockoutStore<AppUser>,
    IUserSecurityStampStore<AppUser>
{
    public async Task<IdentityResult> CreateAsync(AppUser user, CancellationToken ct)
    {
        db.Users.Add(user);
        await db.SaveChangesAsync(ct);
        return IdentityResult.Success;
    }

    public async Task<IdentityResult> UpdateAsync(AppUser user, CancellationToken ct)
    {
        if (db.Entry(user).State == EntityState.Detached) db.Users.Attach(user);
        user.ConcurrencyStamp = Guid.NewGuid().ToString();
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return IdentityResult.Failed(new IdentityErrorDescriber().ConcurrencyFailure());
        }
        return IdentityResult.Success;
    }

    public async Task<IdentityResult> DeleteAsync(AppUser user, CancellationToken ct)
    {
        db.Users.Remove(user);
        await db.SaveChangesAsync(ct);
        return IdentityResult.Success;
    }

    public Task<AppUser?> FindByIdAsync(string userId, CancellationToken ct) =>
        db.Users.FirstOrDefaultAsync(u => u.Id == userId, ct);

    public Task<AppUser?> FindByNameAsync(string normalizedUserName, CancellationToken ct) =>
        db.Users.FirstOrDefaultAsync(u => u.NormalizedUserName == normalizedUserName, ct);

    public Task<AppUser?> FindByEmailAsync(string normalizedEmail, CancellationToken ct) =>
        db.Users.FirstOrDefaultAsync(u => u.NormalizedEmail == normalizedEmail, ct);

    public Task<string> GetUserIdAsync(AppUser user, CancellationToken ct) => Task.FromResult(user.Id);

    public Task<string?> GetUserNameAsync(AppUser user, CancellationToken ct) => Task.FromResult(user.UserName);

    public Task SetUserNameAsync(AppUser user, string? userName, CancellationToken ct) => Set(() => user.UserName = userName);

    public Task<string?> GetNormalizedUserNameAsync(AppUser user, CancellationToken ct) => Task.FromResult(user.NormalizedUserName);

    public Task SetNormalizedUserNameAsync(AppUser user, string? normalizedName, CancellationToken ct) =>
        Set(() => user.NormalizedUserName = normalizedName);

    public Task SetPasswordHashAsync(AppUser user, string? passwordHash, CancellationToken ct) => Set(() => user.PasswordHash = passwordHash);

    public Task<string?> GetPasswordHashAsync(AppUser user, CancellationToken ct) => Task.FromResult(user.PasswordHash);

    public Task<bool> HasPasswordAsync(AppUser user, CancellationToken ct) => Task.FromResult(user.PasswordHash is not null);

    public Task SetEmailAsync(AppUser user, string? email, CancellationToken ct) => Set(() => user.Email = email);

    public Task<string?> GetEmailAsync(AppUser user, CancellationToken ct) => Task.FromResult(user.Email);

    public Task<bool> GetEmailConfirmedAsync(AppUser user, CancellationToken ct) => Task.FromResult(user.EmailConfirmed);

    public Task SetEmailConfirmedAsync(AppUser user, bool confirmed, CancellationToken ct) => Set(() => user.EmailConfirmed = confirmed);

    public Task<string?> GetNormalizedEmailAsync(AppUser user, CancellationToken ct) => Task.FromResult(user.NormalizedEmail);

    public Task SetNormalizedEmailAsync(AppUser user, string? normalizedEmail, CancellationToken ct) =>
        Set(() => user.NormalizedEmail = normalizedEmail);

    public Task<DateTimeOffset?> GetLockoutEndDateAsync(AppUser user, CancellationToken ct) => Task.FromResult(user.LockoutEnd);

    public Task SetLockoutEndDateAsync(AppUser user, DateTimeOffset? lockoutEnd, CancellationToken ct) => Set(() => user.LockoutEnd = lockoutEnd);

    public Task<int> IncrementAccessFailedCountAsync(AppUser user, CancellationToken ct) => Task.FromResult(++user.AccessFailedCount);

    public Task ResetAccessFailedCountAsync(AppUser user, CancellationToken ct) => Set(() => user.AccessFailedCount = 0);

    public Task<int> GetAccessFailedCountAsync(AppUser user, CancellationToken ct) => Task.FromResult(user.AccessFailedCount);

    public Task<bool> GetLockoutEnabledAsync(AppUser user, CancellationToken ct) => Task.FromResult(user.LockoutEnabled);

    public Task SetLockoutEnabledAsync(AppUser user, bool enabled, CancellationToken ct) => Set(() => user.LockoutEnabled = enabled);

    public Task SetSecurityStampAsync(AppUser user, string stamp, CancellationToken ct) => Set(() => user.SecurityStamp = stamp);

    public Task<string?> GetSecurityStampAsync(AppUser user, CancellationToken ct) => Task.FromResult(user.SecurityStamp);

    public void Dispose() { }

    private static Task Set(Action assign)
    {
        assign();
        return Task.CompletedTask;
    }
}
