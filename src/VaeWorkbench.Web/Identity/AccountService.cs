using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using VaeWorkbench.Web.Data;
using VaeWorkbench.Web.Data.Entities;
using VaeWorkbench.Web.Options;
using VaeWorkbench.Web.Teams;

namespace VaeWorkbench.Web.Identity;

public enum PasswordCheck
{
    Ok,
    Wrong,
    LockedOut,
}

/// <summary>Registration and password checks shared by the sign-in pages and the REST API.</summary>
public sealed class AccountService(
    UserManager<AppUser> users,
    AppDbContext db,
    TeamService teams,
    InviteService invites,
    IOptions<AuthOptions> authOptions,
    TimeProvider clock,
    UnknownAccountLockout unknownLockout)
{
    // A hash made by the same hasher as every real one, so checking a password against it costs what checking a real
    // account's does.
    private static string? s_decoyHash;

    /// <summary>
    /// Creates a user. With an invite code they join that team and work there; without one they get a personal team they
    /// own. (An invited person is not made owner of an empty team of their own: they came to work in the team they joined,
    /// and can create a team later on the Team page.)
    /// </summary>
    public async Task<AppUser> RegisterAsync(string? email, string? password, string? inviteCode, CancellationToken ct = default)
    {
        email = email?.Trim();
        if (string.IsNullOrEmpty(email) || !email.Contains('@') || email.Length > 256)
            throw new RequestRejectedException("Enter a valid e-mail address.");
        if (string.IsNullOrEmpty(password))
            throw new RequestRejectedException("Enter a password.");

        var hasInvite = !string.IsNullOrWhiteSpace(inviteCode);
        if (hasInvite && await invites.RefusalAsync(inviteCode, ct) is { } refusal)
            throw new RequestRejectedException(refusal);
        if (!authOptions.Value.OpenRegistration && !hasInvite)
            throw AccessDeniedException.Forbidden("Registration on this server needs an invite code from a team owner.");

        var user = new AppUser { UserName = email, Email = email, CreatedAt = clock.GetUtcNow(), LockoutEnabled = true };
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var created = await users.CreateAsync(user, password);
        if (!created.Succeeded)
            throw new RequestRejectedException(string.Join(" ", created.Errors.Select(e => e.Description)));
        if (hasInvite) await invites.JoinAsync(user.Id, inviteCode!, ct);
        else await teams.CreateTeamAsync(user.Id, $"{email.Split('@')[0]}'s team", personal: true, ct);
        await transaction.CommitAsync(ct);
        return user;
    }

    /// <summary>
    /// Checks a password and counts failures toward lockout, for the sign-in page and the API alike, so neither guesses
    /// faster than the other. An unknown address is answered as a known one with a wrong password: same result, the same
    /// hashing work, and the same lockout after the same number of failures.
    /// </summary>
    public async Task<(PasswordCheck Result, AppUser? User)> CheckPasswordAsync(string? email, string? password)
    {
        // An over-long password can match no account (none may have one), so it is not worth hashing.
        if (string.IsNullOrWhiteSpace(email) || password is null || PasswordLengthValidator.TooLong(password)) return (PasswordCheck.Wrong, null);
        var user = await users.FindByEmailAsync(email.Trim());
        if (user is null) return (CheckUnknown(users.NormalizeEmail(email.Trim()), password), null);
        if (await users.IsLockedOutAsync(user)) return (PasswordCheck.LockedOut, user);
        if (await users.CheckPasswordAsync(user, password))
        {
            await users.ResetAccessFailedCountAsync(user);
            return (PasswordCheck.Ok, user);
        }
        // The failure that triggers the lockout still reads as a wrong password; the lock shows from the next attempt on.
        await users.AccessFailedAsync(user);
        return (PasswordCheck.Wrong, user);
    }

    private PasswordCheck CheckUnknown(string normalizedEmail, string password)
    {
        if (unknownLockout.IsLockedOut(normalizedEmail)) return PasswordCheck.LockedOut;
        var decoy = s_decoyHash ??= users.PasswordHasher.HashPassword(new AppUser(), Guid.NewGuid().ToString());
        users.PasswordHasher.VerifyHashedPassword(new AppUser(), decoy, password);
        unknownLockout.Failed(normalizedEmail);
        return PasswordCheck.Wrong;
    }
}
