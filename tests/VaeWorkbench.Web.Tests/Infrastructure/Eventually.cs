namespace VaeWorkbench.Web.Tests.Infrastructure;

/// <summary>Waits for a condition that background work makes true, failing with the last observation at the deadline.</summary>
public static class Eventually
{
    public static async Task<T> WaitForAsync<T>(Func<Task<T>> observe, Func<T, bool> done, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        T last;
        while (true)
        {
            last = await observe();
            if (done(last)) return last;
            if (DateTime.UtcNow > deadline) break;
            await Task.Delay(100);
        }
        throw new TimeoutException($"Timed out after {timeout} waiting for {what}; last seen: {last}");
    }
}
