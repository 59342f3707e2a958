using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using VaeWorkbench.Web.Data;
using VaeWorkbench.Web.Data.Entities;

namespace VaeWorkbench.Web.Scoring;

/// <summary>
/// Runs the persisted scoring queue, one job at a time (scoring uses every core it is given). A job is claimed with a
/// conditional UPDATE, so of two servers exactly one wins; a Running job whose lease lapsed (its server died) is
/// claimed again and scored from the start — scores are written only when the whole dataset is done.
/// </summary>
public sealed class ScoreJobService(
    IDbContextFactory<AppDbContext> contexts,
    IOptions<ScoringOptions> options,
    ScoreEvents events,
    ScoreJobRunner runner,
    TimeProvider clock,
    ILogger<ScoreJobService> logger) : BackgroundService
{
    public string InstanceId { get; } = $"score/{Environment.ProcessId}/{Guid.NewGuid():N}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            Guid? jobId = null;
            try
            {
                jobId = await TryClaimNextAsync(stoppingToken);
                if (jobId is { } id)
                {
                    // A dedicated thread: scoring is CPU-bound and must not hold a pool thread the UI needs.
                    await Task.Factory.StartNew(() => runner.RunAsync(id, InstanceId, stoppingToken),
                        CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();
                    continue;
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                // A job deleted under us (its model or dataset went) or a database hiccup must not stop the queue for good.
                logger.LogError(e, "Score job {JobId} could not be run", jobId);
            }
            try
            {
                await events.WaitAsync(TimeSpan.FromSeconds(Math.Max(1, options.Value.PollSeconds)), stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    internal async Task<Guid?> TryClaimNextAsync(CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var now = clock.GetUtcNow();
        var candidates = await db.ScoreJobs
            .Where(j => j.Status == ScoreJobStatus.Queued || (j.Status == ScoreJobStatus.Running && (j.LeaseExpiresAt == null || j.LeaseExpiresAt < now)))
            .Select(j => new { j.Id, j.CreatedAt })
            .Take(20)
            .ToListAsync(ct);
        var lease = now.AddSeconds(options.Value.LeaseSeconds);
        foreach (var id in candidates.OrderBy(c => c.CreatedAt).Select(c => c.Id))
        {
            var claimed = await db.ScoreJobs
                .Where(j => j.Id == id && (j.Status == ScoreJobStatus.Queued || (j.Status == ScoreJobStatus.Running && (j.LeaseExpiresAt == null || j.LeaseExpiresAt < now))))
                .ExecuteUpdateAsync(s => s
                    .SetProperty(j => j.Status, ScoreJobStatus.Running)
                    .SetProperty(j => j.Progress, 0)
                    .SetProperty(j => j.LeaseOwner, InstanceId)
                    .SetProperty(j => j.LeaseExpiresAt, lease)
                    .SetProperty(j => j.StartedAt, j => j.StartedAt ?? now), ct);
            if (claimed == 1)
            {
                logger.LogInformation("Claimed score job {JobId}", id);
                return id;
            }
        }
        return null;
    }
}
