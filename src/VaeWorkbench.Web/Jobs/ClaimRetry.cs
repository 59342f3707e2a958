namespace VaeWorkbench.Web.Jobs;

/// <summary>
/// How long an idle queue waits before it tries to claim again after claims failed (the database unreachable): the
/// poll interval, doubling with every failure in a row, up to <see cref="MaxDelay"/> (or the poll, if that is longer).
/// A long outage so costs a few log lines a minute, and the queue never gives up.
/// </summary>
internal static class ClaimRetry
{
    public static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(30);

    public static TimeSpan Delay(int failures, int pollSeconds)
    {
        var poll = TimeSpan.FromSeconds(Math.Max(1, pollSeconds));
        var cap = poll > MaxDelay ? poll : MaxDelay;
        var doubled = poll * Math.Pow(2, Math.Clamp(failures - 1, 0, 16));
        return doubled < cap ? doubled : cap;
    }
}
