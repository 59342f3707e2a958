using VaeWorkbench.Web.Cluster;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using VaeWorkbench.Web.Data;
using VaeWorkbench.Web.Data.Entities;
using VaeWorkbench.Web.Jobs;

namespace VaeWorkbench.Web.Scoring;

/// <summary>
/// The scoring queue, one job at a time (scoring uses every core it is given), oldest first. A Running job whose lease
/// lapsed (its server died) is claimed again and scored from the start: scores are written only when the whole dataset is done.
/// </summary>
public sealed class ScoreJobService(
    IDbContextFactory<AppDbContext> contexts,
    IOptions<ScoringOptions> options,
    ScoreEvents events,
    ScoreJobRunner runner,
    TimeProvider clock,
    JobMetrics metrics,
    ILogger<ScoreJobService> logger) : LeasedJobQueue<ScoreJob, ScoreJobStatus>(contexts, events, clock, metrics, logger)
{
    protected override string QueueName => JobQueueNames.Scoring;

    protected override string Noun => "score job";

    protected override ILeaseTimings Timings => options.Value;

    protected override ScoreJobStatus Queued => ScoreJobStatus.Queued;

    protected override ScoreJobStatus Running => ScoreJobStatus.Running;

    protected override DbSet<ScoreJob> Table(AppDbContext db) => db.ScoreJobs;

    protected override IQueryable<ScoreJob> InClaimOrder(IQueryable<ScoreJob> claimable) => claimable.OrderBy(j => j.CreatedAt);

    // A job scored again starts from nothing.
    protected override void OnClaim(JobUpdate<ScoreJob> update) => update.Set(j => j.Progress, 0.0);

    protected override Task RunAsync(JobLease<ScoreJob, ScoreJobStatus> lease) => runner.RunAsync(lease);
}
