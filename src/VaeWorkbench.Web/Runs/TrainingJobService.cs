using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using VaeWorkbench.Web.Data;
using VaeWorkbench.Web.Data.Entities;

namespace VaeWorkbench.Web.Runs;

/// <summary>
/// Runs the persisted queue. A job is claimed with one conditional UPDATE (status and lease), so of two servers or
/// two loops racing for it exactly one wins; a claimed job's lease is renewed by a heartbeat, and a job whose lease
/// lapsed (its server was killed) is claimed again and resumes from its last checkpoint.
/// </summary>
public sealed class TrainingJobService(
    IDbContextFactory<AppDbContext> contexts,
    IOptions<TrainingJobOptions> options,
    TrainingJobSignal signal,
    TrainingJobRunner runner,
    TimeProvider clock,
    ILogger<TrainingJobService> logger) : BackgroundService
{
    private readonly List<Task> _active = [];

    /// <summary>Identifies this process in leases: another process (or a restart) is a different owner.</summary>
    public string InstanceId { get; } = $"{Environment.ProcessId}/{Guid.NewGuid():N}/{Environment.MachineName}" is var id && id.Length > 100 ? id[..100] : id;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        logger.LogInformation("Training job service {Instance} started; up to {Max} concurrent runs", InstanceId, options.Value.MaxConcurrentRuns);
        while (!stoppingToken.IsCancellationRequested)
        {
            _active.RemoveAll(t => t.IsCompleted);
            var claimedAny = false;
            while (_active.Count < Math.Max(1, options.Value.MaxConcurrentRuns))
            {
                var runId = await TryClaimNextAsync(stoppingToken);
                if (runId is null) break;
                claimedAny = true;
                // A dedicated thread per job: training is CPU-bound for minutes and must never hold a pool thread or the UI.
                _active.Add(Task.Factory.StartNew(() => runner.RunAsync(runId.Value, InstanceId, stoppingToken),
                    CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap());
            }
            if (claimedAny) continue;
            try
            {
                await signal.WaitAsync(TimeSpan.FromSeconds(Math.Max(1, options.Value.PollSeconds)), stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
        // Running jobs see the same token: each writes nothing more than its last checkpoint and releases its lease.
        await Task.WhenAll(_active);
    }

    /// <summary>Claims the oldest queued run, or a running one whose lease lapsed. Returns null when there is none.</summary>
    internal async Task<Guid?> TryClaimNextAsync(CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var now = clock.GetUtcNow();
        var candidates = await db.TrainingRuns
            .Where(r => r.Status == RunStatus.Queued || (r.Status == RunStatus.Running && (r.LeaseExpiresAt == null || r.LeaseExpiresAt < now)))
            .OrderBy(r => r.Status == RunStatus.Running ? 0 : 1).ThenBy(r => r.QueueOrder)
            .Select(r => r.Id)
            .Take(5)
            .ToListAsync(ct);
        var lease = now.AddSeconds(options.Value.LeaseSeconds);
        foreach (var id in candidates)
        {
            var claimed = await db.TrainingRuns
                .Where(r => r.Id == id && (r.Status == RunStatus.Queued || (r.Status == RunStatus.Running && (r.LeaseExpiresAt == null || r.LeaseExpiresAt < now))))
                .ExecuteUpdateAsync(s => s
                    .SetProperty(r => r.Status, RunStatus.Running)
                    .SetProperty(r => r.LeaseOwner, InstanceId)
                    .SetProperty(r => r.LeaseExpiresAt, lease)
                    .SetProperty(r => r.StartedAt, r => r.StartedAt ?? now), ct);
            if (claimed == 1)
            {
                logger.LogInformation("Claimed run {RunId}", id);
                return id;
            }
        }
        return null;
    }
}
