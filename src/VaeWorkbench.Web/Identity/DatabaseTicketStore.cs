using System.Buffers.Text;
using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using VaeWorkbench.Web.Data;
using VaeWorkbench.Web.Data.Entities;

namespace VaeWorkbench.Web.Identity;

/// <summary>
/// Keeps login sessions in the database (<see cref="UserSession"/>), so that signing out ends the session on the
/// server: the cookie holds only the key, and a deleted row turns any copy of the cookie into an anonymous request.
/// Every web server shares the rows, as they share the data-protection keys.
/// </summary>
internal sealed class DatabaseTicketStore(IDbContextFactory<AppDbContext> contexts, IDataProtectionProvider protection, TimeProvider clock) : ITicketStore
{
    /// <summary>The claim that names the session a principal came from, so open circuits can check it still exists.</summary>
    public const string SessionClaim = "vwb:session";

    private readonly IDataProtector _protector = protection.CreateProtector("VaeWorkbench.UserSessions");

    public async Task<string> StoreAsync(AuthenticationTicket ticket)
    {
        var key = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        if (ticket.Principal.Identity is ClaimsIdentity identity && !identity.HasClaim(c => c.Type == SessionClaim))
            identity.AddClaim(new Claim(SessionClaim, key));
        await using var db = await contexts.CreateDbContextAsync();
        db.UserSessions.Add(new UserSession
        {
            Id = key, UserId = UserId(ticket), Ticket = Protect(ticket), CreatedAt = clock.GetUtcNow(), ExpiresAt = ticket.Properties.ExpiresUtc,
        });
        await db.SaveChangesAsync();
        // Sign-ins are rare next to requests: a good moment to forget sessions that expired unused.
        var now = clock.GetUtcNow();
        await db.UserSessions.Where(s => s.ExpiresAt < now).ExecuteDeleteAsync();
        return key;
    }

    public async Task RenewAsync(string key, AuthenticationTicket ticket)
    {
        await using var db = await contexts.CreateDbContextAsync();
        var protectedTicket = Protect(ticket);
        // A session signed out meanwhile stays signed out: renewing never brings a deleted row back.
        await db.UserSessions.Where(s => s.Id == key).ExecuteUpdateAsync(set => set
            .SetProperty(s => s.Ticket, protectedTicket).SetProperty(s => s.ExpiresAt, ticket.Properties.ExpiresUtc));
    }

    public async Task<AuthenticationTicket?> RetrieveAsync(string key)
    {
        await using var db = await contexts.CreateDbContextAsync();
        var session = await db.UserSessions.AsNoTracking().FirstOrDefaultAsync(s => s.Id == key);
        if (session is null || session.ExpiresAt < clock.GetUtcNow()) return null;
        try
        {
            return TicketSerializer.Default.Deserialize(_protector.Unprotect(session.Ticket));
        }
        catch (CryptographicException)
        {
            return null; // the keys that protected it are gone: the user signs in again
        }
    }

    public async Task RemoveAsync(string key)
    {
        await using var db = await contexts.CreateDbContextAsync();
        await db.UserSessions.Where(s => s.Id == key).ExecuteDeleteAsync();
    }

    /// <summary>Ends every session of a user (sign out everywhere); returns how many there were.</summary>
    public async Task<int> RemoveAllAsync(string userId, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.UserSessions.Where(s => s.UserId == userId).ExecuteDeleteAsync(ct);
    }

    public async Task<bool> ExistsAsync(string key, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.UserSessions.AnyAsync(s => s.Id == key && (s.ExpiresAt == null || s.ExpiresAt > clock.GetUtcNow()), ct);
    }

    private byte[] Protect(AuthenticationTicket ticket) => _protector.Protect(TicketSerializer.Default.Serialize(ticket));

    private static string UserId(AuthenticationTicket ticket) =>
        ticket.Principal.FindFirstValue(ClaimTypes.NameIdentifier) ?? throw new InvalidOperationException("A login ticket without a user id");
}
