using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using VaeWorkbench.Web.Cluster;
using VaeWorkbench.Web.Data;

namespace VaeWorkbench.Web.Jobs;

/// <summary>
/// One persisted job queue, shared by training, scoring and generation. A job is claimed with one conditional UPDATE
/// (status and lease; on PostgreSQL with <c>FOR UPDATE SKIP LOCKED</c>), so of two servers (or two loops) racing for it
/// exactly one wins; each claimed job runs on its
/// own thread with a <see cref="JobLease{TJob,TStatus}"/> whose heartbeat renews the claim and stops the work when the
/// claim is lost; a job whose lease lapsed (its server died) is claimed again. Idle, the queue waits for a wake-up from
/// a request on this server or for the next poll, which finds work queued through another server.
/// </summary>
public abstract class LeasedJobQueue<TJob, TStatus>(
    IDbContextFactory<AppDbContext> contexts,
    JobSignal signal,
    TimeProvider clock,
    JobMetrics metrics,
    ILogger logger) : BackgroundService
    where TJob : class, ILeasedJob<TStatus>
    where TStatus : struct, Enum
{
    private readonly List<Task> _active = [];
    private readonly CancellationTokenSource _stopping = new();
    private readonly System.Collections.Concurrent.ConcurrentDictionary<Guid, Task> _runningNow = new();

    /// <summary>Identifies this process in leases: another process (or a restart) is a different owner.</summary>
    public string InstanceId { get; } = $"{Environment.ProcessId}/{Guid.NewGuid():N}/{Environment.MachineName}" is var id && id.Length > 100 ? id[..100] : id;

    /// <summary>What one job is called in log lines ("run", "score job").</summary>
    protected abstract string Noun { get; }

    /// <summary>The queue's label in metrics (<see cref="JobQueueNames"/>).</summary>
    protected abstract string QueueName { get; }

    protected abstract ILeaseTimings Timings { get; }

    /// <summary>Jobs this server runs at once.</summary>
    protected virtual int Concurrency => 1;

    protected abstract TStatus Queued { get; }

    protected abstract TStatus Running { get; }

    protected abstract DbSet<TJob> Table(AppDbContext db);

    /// <summary>The order claimable jobs are taken in (oldest first, say).</summary>
    protected abstract IQueryable<TJob> InClaimOrder(IQueryable<TJob> claimable);

    /// <summary>Columns a claim resets besides status and lease (a score job's progress, for example).</summary>
    protected virtual void OnClaim(JobUpdate<TJob> update)
    {
    }

    /// <summary>Whether a user asked to stop the job; read with every heartbeat.</summary>
    protected internal virtual bool CancelRequested(AppDbContext db, Guid id) => false;

    /// <summary>Does the work of one claimed job. Every write it makes is conditional on <paramref name="lease"/>.</summary>
    protected abstract Task RunAsync(JobLease<TJob, TStatus> lease);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        logger.LogInformation("Job queue {Queue} ({Instance}) started; up to {Max} at once", GetType().Name, InstanceId, Concurrency);
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            _active.RemoveAll(t => t.IsCompleted);
            var claimedAny = false;
            TimeSpan? retryIn = null;
            try
            {
                while (_active.Count < Math.Max(1, Concurrency) && await TryClaimNextAsync(stoppingToken) is { } id)
                {
                    claimedAny = true;
                    // A dedicated thread per job: the work is CPU-bound for minutes and must never hold a pool thread or the UI.
                    _active.Add(Task.Factory.StartNew(() => RunClaimedAsync(id, stoppingToken),
                        CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap());
                }
                failures = 0;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                // A busy or unreachable database postpones claiming; it must not stop the queue. While it stays away the
                // waits grow, so that a long outage is not a stream of errors, and the queue keeps trying.
                retryIn = ClaimRetry.Delay(++failures, Timings.PollSeconds);
                logger.LogError(e, "Claiming a {Noun} failed ({Failures} in a row); retrying in {Seconds} s", Noun, failures, retryIn.Value.TotalSeconds);
            }
            if (claimedAny) continue;
            try
            {
                // Full: wait for a job to end. Otherwise: for a wake-up or the next poll (or retry).
                await (_active.Count >= Math.Max(1, Concurrency)
                    ? Task.WhenAny(Task.WhenAny(_active), Task.Delay(Timeout.Infinite, stoppingToken))
                    : (Task)signal.WaitAsync(retryIn ?? TimeSpan.FromSeconds(Math.Max(1, Timings.PollSeconds)), stoppingToken));
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
        // Running jobs see the same token: each stops at a safe point and releases its lease.
        await Task.WhenAll(_active);
    }

    /// <summary>
    /// Claims job <paramref name="id"/> if it is claimable and runs it on this node now, returning when it ends: for work
    /// a request on a node that runs jobs starts and waits for (an upload's import). False, with nothing run, when
    /// another claim (this node's loop, or another node) took the job first. Not bounded by <see cref="Concurrency"/>:
    /// the caller is the bound (one request, one job).
    /// </summary>
    public async Task<bool> RunNowAsync(Guid id)
    {
        await using (var db = await contexts.CreateDbContextAsync(_stopping.Token))
        {
            var now = clock.GetUtcNow();
            if (await ClaimFirstFreeAsync(db, [id], now, _stopping.Token) is null) return false;
        }
        logger.LogInformation("Claimed {Noun} {JobId} (started by a request on this node)", Noun, id);
        var run = Task.Factory.StartNew(() => RunClaimedAsync(id, _stopping.Token),
            CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();
        _runningNow[id] = run;
        try
        {
            await run;
        }
        finally
        {
            _runningNow.TryRemove(id, out _);
        }
        return true;
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // Jobs run at a request's bidding see the same stop as the loop's: each releases its lease at a safe point.
        await _stopping.CancelAsync();
        await base.StopAsync(cancellationToken);
        await Task.WhenAll(_runningNow.Values).WaitAsync(cancellationToken);
    }

    /// <summary>Claims the first claimable job in order: queued, or running with a lapsed lease. Null when there is none.</summary>
    internal async Task<Guid?> TryClaimNextAsync(CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var now = clock.GetUtcNow();
        var claimable = InClaimOrder(Table(db).Where(JobExpressions<TJob, TStatus>.Claimable(Queued, Running, now)));
        var id = db.Database.IsNpgsql() ? await ClaimLockedAsync(db, claimable, now, ct) : await ClaimFirstFreeAsync(db, claimable, now, ct);
        if (id is not null) logger.LogInformation("Claimed {Noun} {JobId}", Noun, id);
        return id;
    }

    /// <summary>SQLite (one writer at a time): read a few candidates, then a conditional UPDATE per candidate until one takes.</summary>
    private async Task<Guid?> ClaimFirstFreeAsync(AppDbContext db, IQueryable<TJob> claimable, DateTimeOffset now, CancellationToken ct) =>
        await ClaimFirstFreeAsync(db, await claimable.Select(j => j.Id).Take(5).ToListAsync(ct), now, ct);

    /// <summary>
    /// A conditional UPDATE per candidate until one takes. On PostgreSQL too (for one named job): a second claimer's
    /// UPDATE waits for the first's row lock, then finds the row no longer claimable and changes nothing.
    /// </summary>
    private async Task<Guid?> ClaimFirstFreeAsync(AppDbContext db, IReadOnlyList<Guid> candidates, DateTimeOffset now, CancellationToken ct)
    {
        var update = new JobUpdate<TJob>()
            .Set(Column<TStatus>(nameof(ILeasedJob<TStatus>.Status)), Running)
            .Set(Column<string?>(nameof(ILeasedJob<TStatus>.LeaseOwner)), InstanceId)
            .Set(Column<DateTimeOffset?>(nameof(ILeasedJob<TStatus>.LeaseExpiresAt)), now.AddSeconds(Timings.LeaseSeconds))
            .SetFrom(Column<DateTimeOffset?>(nameof(ILeasedJob<TStatus>.StartedAt)), KeepOr(nameof(ILeasedJob<TStatus>.StartedAt), now));
        OnClaim(update);
        var setters = update.Build();
        foreach (var id in candidates)
        {
            // The same condition again in the UPDATE: whoever changes the row first wins, the other sees 0 rows.
            var claimed = await Table(db).Where(JobExpressions<TJob, TStatus>.IdIs(id))
                .Where(JobExpressions<TJob, TStatus>.Claimable(Queued, Running, now))
                .ExecuteUpdateAsync(setters, ct);
            if (claimed == 1) return id;
        }
        return null;
    }

    /// <summary>
    /// PostgreSQL (many writers): one <c>UPDATE ... FOR UPDATE SKIP LOCKED ... RETURNING</c> (see <see cref="SkipLockedClaim"/>),
    /// and the queue's own resets (<see cref="OnClaim"/>) in the same transaction.
    /// </summary>
    private async Task<Guid?> ClaimLockedAsync(AppDbContext db, IQueryable<TJob> claimable, DateTimeOffset now, CancellationToken ct)
    {
        var extras = new JobUpdate<TJob>();
        OnClaim(extras);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var id = await SkipLockedClaim.ClaimAsync<TJob, TStatus>(db, claimable.Select(j => j.Id).Take(1),
        [
            new(nameof(ILeasedJob<TStatus>.Status), Running),
            new(nameof(ILeasedJob<TStatus>.LeaseOwner), InstanceId),
            new(nameof(ILeasedJob<TStatus>.LeaseExpiresAt), now.AddSeconds(Timings.LeaseSeconds)),
            new(nameof(ILeasedJob<TStatus>.StartedAt), now, KeepIfSet: true),
        ], ct);
        if (id is { } claimed && !extras.IsEmpty)
            await Table(db).Where(JobExpressions<TJob, TStatus>.IdIs(claimed)).ExecuteUpdateAsync(extras.Build(), ct);
        await transaction.CommitAsync(ct);
        return id;
    }

    private async Task RunClaimedAsync(Guid id, CancellationToken stopping)
    {
        await using var lease = new JobLease<TJob, TStatus>(this, id, InstanceId, stopping);
        using var running = metrics.Start(QueueName);
        try
        {
            await RunAsync(lease);
            running.End(await OutcomeAsync(lease));
        }
        catch (Exception e) when (DatabaseErrors.IsTransient(e))
        {
            // The job's handler fails a job for its own faults only; a lost database is not one, so the job stays as it
            // is. Its lease lapses, and a worker takes it up again then (a run from its checkpoint): the lease is the
            // wait, so a database that keeps failing does not make a job start over and over.
            running.End("database_lost");
            logger.LogWarning(e, "{Noun} {JobId}: the database is unreachable ({Reason}); stopping here, to be taken up again when the lease lapses",
                Noun, id, e.Message);
        }
        catch (Exception e)
        {
            // The job's own handler records failures; what escapes it (its row deleted under it) must not take the queue
            // down. The lease lapses and the job is tried again.
            logger.LogError(e, "{Noun} {JobId} could not be run", Noun, id);
        }
    }

    /// <summary>How this claim ended, for the duration metric: the row's final status, or why the work stopped.</summary>
    private async Task<string> OutcomeAsync(JobLease<TJob, TStatus> lease)
    {
        switch (lease.Stop)
        {
            case JobStop.LeaseLost: return "lease_lost";
            case JobStop.Shutdown: return "released";
        }
        try
        {
            await using var db = await contexts.CreateDbContextAsync();
            var status = await Table(db).Where(JobExpressions<TJob, TStatus>.IdIs(lease.Id)).Select(j => (TStatus?)j.Status).SingleOrDefaultAsync();
            return status?.ToString().ToLowerInvariant() ?? "deleted";
        }
        catch (Exception e) when (e is System.Data.Common.DbException or InvalidOperationException)
        {
            return "unknown";
        }
    }

    internal AppDbContext CreateContext() => contexts.CreateDbContext();

    internal Task<AppDbContext> CreateContextAsync() => contexts.CreateDbContextAsync();

    internal ILeaseTimings LeaseTimings => Timings;

    internal TStatus RunningStatus => Running;

    internal DateTimeOffset Now => clock.GetUtcNow();

    internal ILogger Log => logger;

    internal IQueryable<TJob> Held(AppDbContext db, Guid id, string owner) =>
        Table(db).Where(JobExpressions<TJob, TStatus>.HeldBy(id, owner, Running));

    private static Expression<Func<TJob, T>> Column<T>(string name) => JobExpressions<TJob, TStatus>.Property<T>(name);

    private static Expression<Func<TJob, DateTimeOffset?>> KeepOr(string name, DateTimeOffset value) =>
        JobExpressions<TJob, TStatus>.ColumnOr(name, value);
}
