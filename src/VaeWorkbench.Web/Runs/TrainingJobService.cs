using VaeWorkbench.Web.Cluster;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using VaeWorkbench.Web.Data;
using VaeWorkbench.Web.Data.Entities;
using VaeWorkbench.Web.Jobs;

namespace VaeWorkbench.Web.Runs;

/// <summary>
/// The training queue: runs in queue order, up to <see cref="TrainingJobOptions.MaxConcurrentRuns"/> at once. A run
/// whose lease lapsed (its server was killed) is claimed before queued ones and resumes from its last checkpoint.
/// </summary>
public sealed class TrainingJobService(
    IDbContextFactory<AppDbContext> contexts,
    IOptions<TrainingJobOptions> options,
    TrainingJobSignal signal,
    TrainingJobRunner runner,
    TimeProvider clock,
    JobMetrics metrics,
    ILogger<TrainingJobService> logger) : LeasedJobQueue<TrainingRun, RunStatus>(contexts, signal, clock, metrics, logger)
{
    protected override string QueueName => JobQueueNames.Training;

    protected override string Noun => "run";

    protected override ILeaseTimings Timings => options.Value;

    protected override int Concurrency => options.Value.MaxConcurrentRuns;

    protected override RunStatus Queued => RunStatus.Queued;

    protected override RunStatus Running => RunStatus.Running;

    protected override DbSet<TrainingRun> Table(AppDbContext db) => db.TrainingRuns;

    protected override IQueryable<TrainingRun> InClaimOrder(IQueryable<TrainingRun> claimable) => ClaimOrder(claimable);

    /// <summary>Runs to resume (a lapsed lease) first, then the queue in its order.</summary>
    internal static IQueryable<TrainingRun> ClaimOrder(IQueryable<TrainingRun> claimable) =>
        claimable.OrderBy(r => r.Status == RunStatus.Running ? 0 : 1).ThenBy(r => r.QueueOrder);

    protected internal override bool CancelRequested(AppDbContext db, Guid id) =>
        db.TrainingRuns.Where(r => r.Id == id).Select(r => r.CancelRequested).Single();

    protected override Task RunAsync(JobLease<TrainingRun, RunStatus> lease) => runner.RunAsync(lease);
}
