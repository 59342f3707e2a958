using Microsoft.EntityFrameworkCore;
using VaeWorkbench.Web.Data;

namespace VaeWorkbench.Web.Jobs;

/// <summary>
/// This server's claim on one running job. A heartbeat renews it every <see cref="ILeaseTimings.HeartbeatSeconds"/>;
/// when the renewal finds the job taken by another server, or a user asked to cancel, <see cref="Token"/> is cancelled
/// and <see cref="Stop"/> says why. Every write of the job's worker goes through <see cref="Held"/>, <see cref="UpdateAsync"/>
/// or <see cref="CompleteAsync"/>, all conditional on still holding the lease, so a late duplicate worker writes nothing.
/// </summary>
public sealed class JobLease<TJob, TStatus> : IAsyncDisposable
    where TJob : class, ILeasedJob<TStatus>
    where TStatus : struct, Enum
{
    private readonly LeasedJobQueue<TJob, TStatus> _queue;
    private readonly CancellationToken _stopping;
    private readonly CancellationTokenSource _job;
    private readonly Timer _heartbeat;
    private int _reason;
    private long _heldUntilTicks;

    internal JobLease(LeasedJobQueue<TJob, TStatus> queue, Guid id, string owner, CancellationToken stopping)
    {
        _queue = queue;
        _stopping = stopping;
        Id = id;
        Owner = owner;
        _job = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        // The claim wrote an expiry of about now plus the lease; that is all this server can count on until a renewal succeeds.
        _heldUntilTicks = queue.Now.AddSeconds(queue.LeaseTimings.LeaseSeconds).UtcTicks;
        var beat = TimeSpan.FromSeconds(Math.Max(1, queue.LeaseTimings.HeartbeatSeconds));
        _heartbeat = new Timer(_ => Beat(), null, beat, beat);
    }

    public Guid Id { get; }

    /// <summary>The lease owner written into the row (this server's instance id).</summary>
    public string Owner { get; }

    /// <summary>Cancelled on shutdown, on a cancel request and when the lease is lost.</summary>
    public CancellationToken Token => _job.Token;

    public JobStop Stop => (JobStop)Volatile.Read(ref _reason) is var reason && reason != JobStop.None ? reason
        : _stopping.IsCancellationRequested ? JobStop.Shutdown : JobStop.None;

    /// <summary>
    /// True once the last expiry this server managed to write is less than a heartbeat away (or past): another server may
    /// claim the job any moment now, so this one must not write a checkpoint or a result any more.
    /// </summary>
    public bool Lapsed => _queue.Now.UtcTicks >= Interlocked.Read(ref _heldUntilTicks) - TimeSpan.FromSeconds(_queue.LeaseTimings.HeartbeatSeconds).Ticks;

    /// <summary>
    /// Called at each checkpoint: when the lease is lost, or could not be renewed in time (the database unreachable),
    /// the job stops here with an <see cref="OperationCanceledException"/> rather than run on without a lease.
    /// </summary>
    public void ThrowIfLeaseLost()
    {
        if (Lapsed) StopFor(JobStop.LeaseLost);
        if (Stop == JobStop.LeaseLost) throw new OperationCanceledException("The job's lease was lost", Token);
    }

    /// <summary>
    /// Runs a database write, retrying a transient failure (a lost connection, a database restart) with back-off for as
    /// long as the lease lasts; past that, the job stops as in <see cref="ThrowIfLeaseLost"/>.
    /// </summary>
    public void RetryWhileHeld(Action write)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                write();
                return;
            }
            catch (Exception e) when (DatabaseErrors.IsTransient(e) || e is TimeoutException)
            {
                ThrowIfLeaseLost();
                _queue.Log.LogWarning(e, "Job {JobId}: a database write failed (attempt {Attempt}); retrying", Id, attempt + 1);
                Token.WaitHandle.WaitOne(TimeSpan.FromMilliseconds(Math.Min(250 * Math.Pow(2, attempt), 1000 * _queue.LeaseTimings.HeartbeatSeconds)));
                Token.ThrowIfCancellationRequested();
            }
        }
    }

    /// <summary>The job's row, only while this server holds it: the condition for every progress write.</summary>
    public IQueryable<TJob> Held(AppDbContext db) => _queue.Held(db, Id, Owner);

    /// <summary>
    /// Updates the job's row if this server still holds it. If it does not, the job stops here: the lease counts as
    /// lost and an <see cref="OperationCanceledException"/> ends the work (rolling back the caller's transaction).
    /// </summary>
    public async Task UpdateAsync(AppDbContext db, Action<JobUpdate<TJob>> set)
    {
        var update = new JobUpdate<TJob>();
        set(update);
        if (await Held(db).ExecuteUpdateAsync(update.Build()) == 1) return;
        StopFor(JobStop.LeaseLost);
        Token.ThrowIfCancellationRequested();
    }

    /// <summary>
    /// Ends the job with <paramref name="status"/> and gives up the lease, in one UPDATE conditional on holding it; false
    /// (nothing written) when another server holds the job now. Call it inside the transaction that stores the job's
    /// results, so results and completion are written together or not at all, exactly once.
    /// </summary>
    public async Task<bool> CompleteAsync(AppDbContext db, TStatus status, Action<JobUpdate<TJob>>? more = null)
    {
        var update = new JobUpdate<TJob>()
            .Set(Column<TStatus>(nameof(ILeasedJob<TStatus>.Status)), status)
            .Set(Column<DateTimeOffset?>(nameof(ILeasedJob<TStatus>.FinishedAt)), _queue.Now)
            .Set(Column<string?>(nameof(ILeasedJob<TStatus>.LeaseOwner)), null)
            .Set(Column<DateTimeOffset?>(nameof(ILeasedJob<TStatus>.LeaseExpiresAt)), null);
        more?.Invoke(update);
        var completed = await Held(db).ExecuteUpdateAsync(update.Build()) == 1;
        if (!completed) _queue.Log.LogWarning("Job {JobId}: finished, but another server holds it now; its result is not recorded here", Id);
        return completed;
    }

    /// <summary>Fails the job with a reason the user reads on its page and in the API.</summary>
    public async Task<bool> FailAsync(TStatus failed, string error)
    {
        await using var db = await _queue.CreateContextAsync();
        return await CompleteAsync(db, failed, u => u.Set(Column<string?>(nameof(ILeasedJob<TStatus>.Error)), error));
    }

    /// <summary>
    /// Gives the job back for a restart: it stays Running with no lease, which the next claim (here after a restart, or
    /// on another server at its next poll) takes at once instead of waiting for the lease to lapse.
    /// </summary>
    public async Task ReleaseAsync()
    {
        await using var db = await _queue.CreateContextAsync();
        await Held(db).ExecuteUpdateAsync(new JobUpdate<TJob>()
            .Set(Column<string?>(nameof(ILeasedJob<TStatus>.LeaseOwner)), null)
            .Set(Column<DateTimeOffset?>(nameof(ILeasedJob<TStatus>.LeaseExpiresAt)), null).Build());
    }

    public async ValueTask DisposeAsync()
    {
        await _heartbeat.DisposeAsync();
        _job.Dispose();
    }

    private void Beat()
    {
        // Checked before renewing: an earlier renewal may still hang on an unreachable database (each tick runs anyway).
        if (Lapsed)
        {
            StopFor(JobStop.LeaseLost);
            return;
        }
        try
        {
            using var db = _queue.CreateContext();
            var lease = _queue.Now.AddSeconds(_queue.LeaseTimings.LeaseSeconds);
            var renewed = Held(db).ExecuteUpdate(new JobUpdate<TJob>()
                .Set(Column<DateTimeOffset?>(nameof(ILeasedJob<TStatus>.LeaseExpiresAt)), lease).Build());
            if (renewed == 0) StopFor(JobStop.LeaseLost);
            else
            {
                Interlocked.Exchange(ref _heldUntilTicks, lease.UtcTicks);
                if (_queue.CancelRequested(db, Id)) StopFor(JobStop.CancelRequested);
            }
        }
        catch (ObjectDisposedException)
        {
            // The job ended while this beat was due.
        }
        catch (Exception e)
        {
            // A busy or restarting database delays one heartbeat; the lease is long enough to survive a few. Once it is
            // not (Lapsed), the work stops: another server may hold the job by now. (A timer callback must never throw.)
            _queue.Log.LogWarning(e, "Job {JobId}: lease renewal failed; will retry", Id);
            if (Lapsed) StopFor(JobStop.LeaseLost);
        }
    }

    private void StopFor(JobStop reason)
    {
        if (Interlocked.CompareExchange(ref _reason, (int)reason, (int)JobStop.None) != (int)JobStop.None) return;
        if (reason == JobStop.LeaseLost) _queue.Log.LogWarning("Job {JobId}: the lease is lost or could not be renewed in time; stopping here", Id);
        try
        {
            _job.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Already finished.
        }
    }

    private static System.Linq.Expressions.Expression<Func<TJob, T>> Column<T>(string name) => JobExpressions<TJob, TStatus>.Property<T>(name);
}
