using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using VaeWorkbench.Web.Data;
using VaeWorkbench.Web.Data.Entities;

namespace VaeWorkbench.Web.Augmentation;

/// <summary>
/// Runs queued generation jobs one at a time (each uses every configured thread). A job is claimed with one conditional
/// UPDATE, so of two servers racing for it exactly one wins; a running job whose lease lapsed (its server died) is claimed
/// again and generated from the start, which gives the same images because generation is deterministic in its seed.
/// </summary>
public sealed class AugmentationJobService(
    IDbContextFactory<AppDbContext> contexts,
    IOptions<AugmentationOptions> options,
    AugmentationEvents events,
    AugmentationJobRunner runner,
    TimeProvider clock,
    ILogger<AugmentationJobService> logger) : BackgroundService
{
    public string InstanceId { get; } = $"{Environment.ProcessId}/{Guid.NewGuid():N}" is var id && id.Length > 100 ? id[..100] : id;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            Guid? setId;
            try
            {
                setId = await TryClaimNextAsync(stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            if (setId is { } claimed)
            {
                // A dedicated thread: generation is CPU-bound and must not hold a pool thread the UI needs.
                await Task.Factory.StartNew(() => runner.Run(claimed, InstanceId, stoppingToken),
                    CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
                continue;
            }
            try
            {
                await events.WaitForWorkAsync(TimeSpan.FromSeconds(Math.Max(1, options.Value.PollSeconds)), stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    /// <summary>Claims the oldest queued set, or a running one whose lease lapsed. Returns null when there is none.</summary>
    internal async Task<Guid?> TryClaimNextAsync(CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var now = clock.GetUtcNow();
        var candidates = await db.AugmentedSets
            .Where(s => s.Status == AugmentedStatus.Queued || (s.Status == AugmentedStatus.Running && (s.LeaseExpiresAt == null || s.LeaseExpiresAt < now)))
            .OrderBy(s => s.CreatedAt).Select(s => s.Id).Take(5).ToListAsync(ct);
        var lease = now.AddSeconds(options.Value.LeaseSeconds);
        foreach (var id in candidates)
        {
            var claimed = await db.AugmentedSets
                .Where(s => s.Id == id && (s.Status == AugmentedStatus.Queued || (s.Status == AugmentedStatus.Running && (s.LeaseExpiresAt == null || s.LeaseExpiresAt < now))))
                .ExecuteUpdateAsync(u => u
                    .SetProperty(s => s.Status, AugmentedStatus.Running)
                    .SetProperty(s => s.LeaseOwner, InstanceId)
                    .SetProperty(s => s.LeaseExpiresAt, lease)
                    .SetProperty(s => s.StartedAt, now), ct);
            if (claimed == 1)
            {
                logger.LogInformation("Claimed augmented set {SetId}", id);
                return id;
            }
        }
        return null;
    }
}
