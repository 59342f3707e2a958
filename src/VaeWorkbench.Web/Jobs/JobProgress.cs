namespace VaeWorkbench.Web.Jobs;

/// <summary>
/// A running job's progress from 0 to 1, reported after every batch by the thread that computes it. Open pages hear of
/// it at most once per publish interval (so a slow job's bar moves batch by batch, and a fast one does not flood the
/// pages), and it is written through the job's lease at most once per write interval. Progress only rises: a report
/// lower than one before it is dropped, whichever thread sends it.
/// </summary>
public sealed class JobProgress(TimeSpan publishInterval, TimeSpan writeInterval, TimeProvider clock, Action<double> publish)
{
    private readonly Lock _gate = new();
    private double _latest;
    private double _published = -1;
    private long? _publishedAt;
    private double _written = -1;

    public double Latest
    {
        get { lock (_gate) return _latest; }
    }

    /// <summary>From any thread: publishes the new value when the publish interval has passed since the last one.</summary>
    public void Report(double fraction)
    {
        lock (_gate)
        {
            if (fraction <= _latest) return;
            _latest = Math.Min(1, fraction);
            var now = clock.GetTimestamp();
            if (_publishedAt is { } at && clock.GetElapsedTime(at, now) < publishInterval) return;
            PublishLocked(now);
        }
    }

    /// <summary>
    /// Awaits <paramref name="work"/>, meanwhile writing the progress reached every write interval, so the stored
    /// progress moves during a long step too; then publishes and writes what the step reached.
    /// </summary>
    public async Task<T> WhileAsync<T>(Task<T> work, Func<double, Task> write)
    {
        while (!work.IsCompleted)
        {
            await Task.WhenAny(work, Task.Delay(writeInterval, clock));
            if (!work.IsCompleted) await WriteAsync(write);
        }
        var result = await work;
        await FlushAsync(write);
        return result;
    }

    /// <summary>Publishes and writes the latest progress if either has not seen it yet.</summary>
    public async Task FlushAsync(Func<double, Task> write)
    {
        lock (_gate)
        {
            if (_latest > _published) PublishLocked(clock.GetTimestamp());
        }
        await WriteAsync(write);
    }

    private async Task WriteAsync(Func<double, Task> write)
    {
        double value;
        lock (_gate)
        {
            if (_latest <= _written) return;
            value = _written = _latest;
        }
        await write(value);
    }

    // Under the lock, so two threads' reports reach the pages in rising order.
    private void PublishLocked(long now)
    {
        (_published, _publishedAt) = (_latest, now);
        publish(_latest);
    }
}
