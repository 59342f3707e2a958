using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using VaeWorkbench.Web.Options;

namespace VaeWorkbench.Web.Datasets;

/// <summary>Too many uploads of one user under way: answered 429 with a Retry-After.</summary>
public sealed class TooManyUploadsException(string message, TimeSpan retryAfter) : Exception(message)
{
    public TimeSpan RetryAfter { get; } = retryAfter;
}

/// <summary>
/// How many uploads (datasets over the API or the page, model imports) each user has under way, so one account cannot
/// tie up the server's disk and bandwidth with many at once (<c>Datasets:MaxConcurrentUploadsPerUser</c>).
/// </summary>
public sealed class UploadSlots(IOptions<DatasetOptions> options)
{
    private readonly ConcurrentDictionary<string, int> _inUse = new(StringComparer.Ordinal);

    public int InUse(string userId) => _inUse.GetValueOrDefault(userId);

    /// <summary>Takes one of the user's slots until the returned handle is disposed.</summary>
    /// <exception cref="TooManyUploadsException">All of the user's slots are taken.</exception>
    public IDisposable Acquire(string userId)
    {
        var limit = options.Value.MaxConcurrentUploadsPerUser;
        while (true)
        {
            var current = _inUse.GetValueOrDefault(userId);
            if (current >= limit)
                throw new TooManyUploadsException(
                    $"You have {current} uploads under way; at most {limit} may run at once. Try again when one has finished.", TimeSpan.FromSeconds(10));
            if (current == 0 ? _inUse.TryAdd(userId, 1) : _inUse.TryUpdate(userId, current + 1, current)) return new Slot(this, userId);
        }
    }

    private void Release(string userId)
    {
        while (true)
        {
            var current = _inUse[userId];
            if (current == 1 ? _inUse.TryRemove(new KeyValuePair<string, int>(userId, 1)) : _inUse.TryUpdate(userId, current - 1, current)) return;
        }
    }

    private sealed class Slot(UploadSlots slots, string userId) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0) slots.Release(userId);
        }
    }
}
