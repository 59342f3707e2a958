using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using VaeWorkbench.Web.Options;

namespace VaeWorkbench.Web.Identity;

/// <summary>
/// Lockout bookkeeping for e-mail addresses that have no account, counted exactly as Identity counts a real account's
/// failures, so that "locked after N wrong passwords" cannot tell a prober which addresses are registered. Kept in
/// memory: it guards nothing but that answer, and a restart that forgets it forgets no real lockout.
/// </summary>
public sealed class UnknownAccountLockout(IOptions<AuthOptions> options, TimeProvider clock)
{
    private const int MaxTracked = 100_000;
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    public bool IsLockedOut(string normalizedEmail) =>
        _entries.TryGetValue(normalizedEmail, out var entry) && entry.LockedUntil > clock.GetUtcNow();

    /// <summary>One more failure; at the limit the address locks for the configured time and its count restarts.</summary>
    public void Failed(string normalizedEmail)
    {
        if (_entries.Count >= MaxTracked) ForgetExpired();
        var limit = options.Value.MaxFailedAccessAttempts;
        var lockout = TimeSpan.FromMinutes(options.Value.LockoutMinutes);
        _entries.AddOrUpdate(normalizedEmail,
            _ => Next(new Entry(0, null), limit, lockout),
            (_, entry) => Next(entry, limit, lockout));
    }

    private Entry Next(Entry entry, int limit, TimeSpan lockout) =>
        entry.Failures + 1 >= limit ? new Entry(0, clock.GetUtcNow() + lockout) : entry with { Failures = entry.Failures + 1 };

    private void ForgetExpired()
    {
        var now = clock.GetUtcNow();
        foreach (var (email, entry) in _entries)
            if (entry.LockedUntil is null || entry.LockedUntil < now) _entries.TryRemove(email, out _);
    }

    private sealed record Entry(int Failures, DateTimeOffset? LockedUntil);
}
