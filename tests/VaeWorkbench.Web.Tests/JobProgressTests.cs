using VaeWorkbench.Web.Jobs;

namespace VaeWorkbench.Web.Tests;

/// <summary>A job's per-batch progress: only rising, throttled for pages and for the database, nothing lost at the end.</summary>
public sealed class JobProgressTests
{
    [Fact]
    public async Task Every_batch_reaches_the_pages_when_there_is_no_interval_and_a_lower_report_is_dropped()
    {
        var published = new List<double>();
        var written = new List<double>();
        var progress = new JobProgress(TimeSpan.Zero, TimeSpan.FromHours(1), new ManualClock(), published.Add);

        foreach (var p in new[] { 0.25, 0.5, 0.4, 0.75, 0.75 }) progress.Report(p);
        await progress.FlushAsync(p => { written.Add(p); return Task.CompletedTask; });
        progress.Report(1);
        await progress.FlushAsync(p => { written.Add(p); return Task.CompletedTask; });

        Assert.Equal([0.25, 0.5, 0.75, 1], published);
        Assert.Equal([0.75, 1], written);
        Assert.Equal(1, progress.Latest);
    }

    [Fact]
    public async Task Within_the_interval_pages_hear_only_the_first_report_and_the_flush_brings_the_latest()
    {
        var clock = new ManualClock();
        var published = new List<double>();
        var progress = new JobProgress(TimeSpan.FromMilliseconds(250), TimeSpan.FromHours(1), clock, published.Add);

        progress.Report(0.1);
        clock.Advance(TimeSpan.FromMilliseconds(100));
        progress.Report(0.2);
        progress.Report(0.3);
        Assert.Equal([0.1], published);
        clock.Advance(TimeSpan.FromMilliseconds(150));
        progress.Report(0.4);
        Assert.Equal([0.1, 0.4], published);

        progress.Report(0.5);
        await progress.FlushAsync(_ => Task.CompletedTask);
        Assert.Equal([0.1, 0.4, 0.5], published);
    }

    [Fact]
    public async Task A_long_step_writes_its_progress_while_it_runs_and_once_more_at_its_end()
    {
        var written = new List<double>();
        var progress = new JobProgress(TimeSpan.Zero, TimeSpan.FromMilliseconds(20), TimeProvider.System, _ => { });
        var halfway = new TaskCompletionSource();
        var finish = new TaskCompletionSource();
        var step = Task.Run(async () =>
        {
            progress.Report(0.5);
            halfway.SetResult();
            await finish.Task;
            progress.Report(1);
            return 42;
        });

        var running = progress.WhileAsync(step, p => { lock (written) written.Add(p); return Task.CompletedTask; });
        await halfway.Task;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline && !written.Contains(0.5)) await Task.Delay(10);
        Assert.Equal([0.5], written); // written before the step ended
        finish.SetResult();

        Assert.Equal(42, await running);
        Assert.Equal([0.5, 1], written);
    }

    /// <summary>A clock that moves only when told to.</summary>
    private sealed class ManualClock : TimeProvider
    {
        private long _ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => _ticks;

        public void Advance(TimeSpan by) => _ticks += by.Ticks;
    }
}
