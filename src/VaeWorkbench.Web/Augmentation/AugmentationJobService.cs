using VaeWorkbench.Web.Cluster;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using VaeWorkbench.Web.Data;
using VaeWorkbench.Web.Data.Entities;
using VaeWorkbench.Web.Jobs;

namespace VaeWorkbench.Web.Augmentation;

/// <summary>
/// The generation queue, one job at a time (each uses every configured thread), oldest first. A running job whose lease
/// lapsed (its server died) is claimed again and generated from the start, which gives the same images because
/// generation is deterministic in its seed.
/// </summary>
public sealed class AugmentationJobService(
    IDbContextFactory<AppDbContext> contexts,
    IOptions<AugmentationOptions> options,
    AugmentationEvents events,
    AugmentationJobRunner runner,
    TimeProvider clock,
    JobMetrics metrics,
    ILogger<AugmentationJobService> logger) : LeasedJobQueue<AugmentedSet, AugmentedStatus>(contexts, events, clock, metrics, logger)
{
    protected override string QueueName => JobQueueNames.Generation;

    protected override string Noun => "augmented set";

    protected override ILeaseTimings Timings => options.Value;

    protected override AugmentedStatus Queued => AugmentedStatus.Queued;

    protected override AugmentedStatus Running => AugmentedStatus.Running;

    protected override DbSet<AugmentedSet> Table(AppDbContext db) => db.AugmentedSets;

    protected override IQueryable<AugmentedSet> InClaimOrder(IQueryable<AugmentedSet> claimable) => claimable.OrderBy(s => s.CreatedAt);

    protected override Task RunAsync(JobLease<AugmentedSet, AugmentedStatus> lease) => runner.RunAsync(lease);
}
