using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using VaeWorkbench.Web.Cluster;
using VaeWorkbench.Web.Data;
using VaeWorkbench.Web.Data.Entities;
using VaeWorkbench.Web.Jobs;
using VaeWorkbench.Web.Options;

namespace VaeWorkbench.Web.Datasets;

/// <summary>
/// The import queue: Queued datasets (an upload staged by a web node, or a merge) are claimed with a lease like every
/// other job, oldest first, and decoded and written by <see cref="ImportJobRunner"/>. On a node that runs jobs an upload
/// starts at once through <see cref="LeasedJobQueue{TJob,TStatus}.RunNowAsync"/>; the loop takes what web nodes queued
/// and what a stopped node left (while it has attempts left, see <c>Datasets:ImportMaxAttempts</c>).
/// </summary>
public sealed class DatasetImportQueue(
    IDbContextFactory<AppDbContext> contexts,
    IOptions<DatasetOptions> options,
    ImportEvents events,
    IServiceScopeFactory scopes,
    TimeProvider clock,
    JobMetrics metrics,
    ILogger<DatasetImportQueue> logger) : LeasedJobQueue<Dataset, DatasetStatus>(contexts, events, clock, metrics, logger)
{
    protected override string QueueName => JobQueueNames.Import;

    protected override string Noun => "import";

    protected override ILeaseTimings Timings => new ImportTimings(options.Value);

    protected override int Concurrency => Math.Max(1, options.Value.ImportConcurrency);

    protected override DatasetStatus Queued => DatasetStatus.Queued;

    protected override DatasetStatus Running => DatasetStatus.Importing;

    protected override DbSet<Dataset> Table(AppDbContext db) => db.Datasets;

    protected override IQueryable<Dataset> InClaimOrder(IQueryable<Dataset> claimable) => claimable.OrderBy(d => d.CreatedAt);

    // Every claim counts, so an import that stops each node it runs on is failed rather than passed on for ever.
    protected override void OnClaim(JobUpdate<Dataset> update) => update.SetFrom(d => d.ImportAttempts, d => d.ImportAttempts + 1);

    protected override async Task RunAsync(JobLease<Dataset, DatasetStatus> lease)
    {
        await using var scope = scopes.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<ImportJobRunner>().RunAsync(lease);
    }

    private sealed record ImportTimings(DatasetOptions Options) : ILeaseTimings
    {
        public int LeaseSeconds => Options.ImportLeaseSeconds;

        public int HeartbeatSeconds => Options.ImportHeartbeatSeconds;

        public int PollSeconds => Options.ImportPollSeconds;
    }
}
