using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using VaeWorkbench.Web.Data;
using VaeWorkbench.Web.Data.Entities;
using VaeWorkbench.Web.Jobs;
using VaeWorkbench.Web.Runs;

namespace VaeWorkbench.Web.Tests.Postgres;

/// <summary>The queue's claim on real PostgreSQL (FOR UPDATE SKIP LOCKED): claimers racing over the same jobs.</summary>
[Trait("Category", PostgresDatabase.Category)]
public sealed class PostgresQueueClaimTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>
{
    [Fact]
    public async Task Eight_claimers_racing_over_120_jobs_claim_every_job_exactly_once()
    {
        const int jobs = 120, claimers = 8;
        await SeedRunsAsync(jobs);
        var contexts = new Contexts(database);
        var queues = Enumerable.Range(0, claimers).Select(_ => new ClaimOnlyQueue(contexts)).ToList();
        var claims = new ConcurrentBag<(Guid Job, string Owner)>();
        using var start = new ManualResetEventSlim();

        // Each claimer on its own thread, all released at once, claiming until the queue is empty.
        var threads = queues.Select(queue => Task.Factory.StartNew(async () =>
        {
            start.Wait();
            while (await queue.TryClaimNextAsync(CancellationToken.None) is { } id) claims.Add((id, queue.InstanceId));
        }, TaskCreationOptions.LongRunning).Unwrap()).ToList();
        start.Set();
        await Task.WhenAll(threads).WaitAsync(TimeSpan.FromMinutes(2));

        var duplicates = claims.GroupBy(c => c.Job).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(duplicates.Count == 0, $"{duplicates.Count} job(s) claimed more than once, for example {duplicates.FirstOrDefault()}");
        Assert.Equal(jobs, claims.Count);
        Assert.True(claims.Select(c => c.Owner).Distinct().Count() > 1, "only one claimer ever won: the race did not happen");

        // The rows agree with what each claimer was told: running, leased to exactly that claimer, started.
        await using var db = database.Open();
        var rows = await db.TrainingRuns.AsNoTracking().ToDictionaryAsync(r => r.Id);
        foreach (var (job, owner) in claims)
        {
            Assert.Equal((RunStatus.Running, owner), (rows[job].Status, rows[job].LeaseOwner));
            Assert.NotNull(rows[job].StartedAt);
            Assert.True(rows[job].LeaseExpiresAt > DateTimeOffset.UtcNow);
        }
    }

    [Fact]
    public async Task A_job_whose_lease_lapsed_is_claimed_again_and_a_live_lease_is_not()
    {
        await SeedRunsAsync(0);
        await using var db = database.Open();
        var (user, dataset) = await db.Datasets.Select(d => new ValueTuple<string, Guid>(d.CreatedByUserId, d.Id)).FirstAsync();
        var team = await db.Datasets.Select(d => d.TeamId).FirstAsync();
        var lapsed = NewRun(team, dataset, user, 1);
        lapsed.Status = RunStatus.Running;
        lapsed.LeaseOwner = "a-dead-worker";
        lapsed.LeaseExpiresAt = DateTimeOffset.UtcNow.AddMinutes(-1);
        lapsed.StartedAt = DateTimeOffset.UtcNow.AddMinutes(-5);
        var live = NewRun(team, dataset, user, 2);
        live.Status = RunStatus.Running;
        live.LeaseOwner = "a-live-worker";
        live.LeaseExpiresAt = DateTimeOffset.UtcNow.AddHours(1);
        db.TrainingRuns.AddRange(lapsed, live);
        await db.SaveChangesAsync();

        var startedBefore = (await db.TrainingRuns.AsNoTracking().SingleAsync(r => r.Id == lapsed.Id)).StartedAt;
        var queue = new ClaimOnlyQueue(new Contexts(database));
        Assert.Equal(lapsed.Id, await queue.TryClaimNextAsync(CancellationToken.None));
        Assert.Null(await queue.TryClaimNextAsync(CancellationToken.None));
        var taken = await db.TrainingRuns.AsNoTracking().SingleAsync(r => r.Id == lapsed.Id);
        Assert.Equal(queue.InstanceId, taken.LeaseOwner);
        // The first start time is kept: the run resumes, it does not start over.
        Assert.Equal(startedBefore, taken.StartedAt);
    }

    /// <summary>A user, team and dataset, and <paramref name="runs"/> queued runs in queue order.</summary>
    private async Task SeedRunsAsync(int runs)
    {
        await using var db = database.Open();
        await db.Database.MigrateAsync();
        if (!await db.Datasets.AnyAsync())
        {
            var user = new AppUser { UserName = $"{Guid.NewGuid():N}@example.com", Email = "claims@example.com", CreatedAt = DateTimeOffset.UtcNow };
            var team = new Team { Id = Guid.NewGuid(), Name = "Claims", CreatedAt = DateTimeOffset.UtcNow };
            db.Users.Add(user);
            db.Teams.Add(team);
            db.Datasets.Add(new Dataset { Id = Guid.NewGuid(), TeamId = team.Id, Name = "d", CreatedByUserId = user.Id, CreatedAt = DateTimeOffset.UtcNow });
            await db.SaveChangesAsync();
        }
        var dataset = await db.Datasets.FirstAsync();
        await db.TrainingRuns.ExecuteDeleteAsync();
        for (var i = 0; i < runs; i++) db.TrainingRuns.Add(NewRun(dataset.TeamId, dataset.Id, dataset.CreatedByUserId, i));
        await db.SaveChangesAsync();
    }

    private static TrainingRun NewRun(Guid team, Guid dataset, string user, int order) => new()
    {
        Id = Guid.NewGuid(), TeamId = team, DatasetId = dataset, CreatedByUserId = user, SettingsJson = "{}", Epochs = 1,
        Status = RunStatus.Queued, QueueOrder = order, CreatedAt = DateTimeOffset.UtcNow,
    };

    private sealed class Contexts(PostgresDatabase database) : IDbContextFactory<AppDbContext>
    {
        public AppDbContext CreateDbContext() => database.Open();
    }

    /// <summary>The training queue's claim (its order and condition) without running anything: the claim is what is tested.</summary>
    private sealed class ClaimOnlyQueue(IDbContextFactory<AppDbContext> contexts)
        : LeasedJobQueue<TrainingRun, RunStatus>(contexts, new JobSignal(), TimeProvider.System,
            new Web.Cluster.JobMetrics(new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(),
                contexts, NullLogger<Web.Cluster.JobMetrics>.Instance), NullLogger.Instance)
    {
        protected override string Noun => "run";

        protected override string QueueName => Web.Cluster.JobQueueNames.Training;

        protected override ILeaseTimings Timings { get; } = new Timing();

        protected override RunStatus Queued => RunStatus.Queued;

        protected override RunStatus Running => RunStatus.Running;

        protected override DbSet<TrainingRun> Table(AppDbContext db) => db.TrainingRuns;

        protected override IQueryable<TrainingRun> InClaimOrder(IQueryable<TrainingRun> claimable) => TrainingJobService.ClaimOrder(claimable);

        protected override Task RunAsync(JobLease<TrainingRun, RunStatus> lease) => throw new InvalidOperationException("claims only");
    }

    private sealed class Timing : ILeaseTimings
    {
        public int LeaseSeconds => 300;

        public int HeartbeatSeconds => 60;

        public int PollSeconds => 60;
    }
}
