using System.Data.Common;
using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using VaeWorkbench.Web.Data;
using VaeWorkbench.Web.Data.Entities;
using VaeWorkbench.Web.Jobs;
using VaeWorkbench.Web.Options;
using VaeWorkbench.Web.Runs;
using VaeWorkbench.Web.Tests.Infrastructure;

namespace VaeWorkbench.Web.Tests.Cluster;

/// <summary>
/// A worker that cannot renew its lease (the database unreachable) stops its job once the lease may have lapsed,
/// rather than run on while another worker may take the job; a brief failure is retried and changes nothing.
/// </summary>
public sealed class LeaseLapseTests : IAsyncLifetime
{
    // A web node: no queue of its own claims the test's run. Lease 3 s, heartbeat 1 s; renewals give up after 200 ms.
    private readonly WorkbenchFactory _factory = new(new(WorkbenchFactory.FastTraining()) { ["Node:Role"] = "web", ["Storage:BusyTimeoutMs"] = "200" });
    private Guid _runId;

    public async Task InitializeAsync()
    {
        var user = await _factory.RegisterWithTokenAsync();
        var teamId = await user.PersonalTeamIdAsync();
        var datasetId = await _factory.CreateFashionMnistAsync(teamId, 20);
        await using var scope = _factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var now = DateTimeOffset.UtcNow;
        _runId = Guid.NewGuid();
        db.TrainingRuns.Add(new TrainingRun
        {
            Id = _runId, TeamId = teamId, DatasetId = datasetId, SettingsJson = "{}", Status = RunStatus.Running, Epochs = 10,
            CreatedByUserId = (await db.TeamMembers.FirstAsync(m => m.TeamId == teamId)).UserId, CreatedAt = now, QueueOrder = now.UtcTicks,
            LeaseOwner = "this-worker", LeaseExpiresAt = now.AddSeconds(3),
        });
        await db.SaveChangesAsync();
    }

    [Fact]
    public async Task A_lease_that_cannot_be_renewed_stops_the_job_once_it_may_have_lapsed_and_not_before()
    {
        var queue = _factory.Services.GetRequiredService<TrainingJobService>();
        var started = Stopwatch.StartNew();
        await using var lease = new JobLease<TrainingRun, RunStatus>(queue, _runId, "this-worker", CancellationToken.None);
        Assert.False(lease.Lapsed);
        lease.ThrowIfLeaseLost(); // held: a checkpoint goes ahead

        await using var blocker = new SqliteConnection($"Data Source={_factory.Services.GetRequiredService<IOptions<StorageOptions>>().Value.ResolveDatabasePath()}");
        await blocker.OpenAsync();
        await using (var exclusive = new SqliteCommand("BEGIN EXCLUSIVE", blocker)) await exclusive.ExecuteNonQueryAsync();

        await Eventually.WaitForAsync(() => Task.FromResult(lease.Token.IsCancellationRequested), c => c, TimeSpan.FromSeconds(15), "the job to stop without a renewable lease");
        Assert.True(started.Elapsed >= TimeSpan.FromSeconds(1.5), $"stopped after {started.Elapsed}: one failed renewal must not stop a job whose lease still runs");
        Assert.True(lease.Lapsed);
        Assert.Equal(JobStop.LeaseLost, lease.Stop);
        Assert.Throws<OperationCanceledException>(lease.ThrowIfLeaseLost);
        Assert.Throws<OperationCanceledException>(() => lease.RetryWhileHeld(() => throw new FlakyDatabase()));
    }

    [Fact]
    public async Task A_write_that_fails_briefly_is_retried_while_the_lease_holds()
    {
        var queue = _factory.Services.GetRequiredService<TrainingJobService>();
        await using var lease = new JobLease<TrainingRun, RunStatus>(queue, _runId, "this-worker", CancellationToken.None);
        var attempts = 0;
        lease.RetryWhileHeld(() =>
        {
            if (++attempts < 3) throw new DbUpdateException("the connection dropped", new FlakyDatabase());
        });
        Assert.Equal(3, attempts);
        Assert.Equal(JobStop.None, lease.Stop);
        // A statement that is wrong, not transient, is not retried.
        Assert.Throws<InvalidCastException>(() => lease.RetryWhileHeld(() => throw new InvalidCastException()));
    }

    private sealed class FlakyDatabase : DbException
    {
        public override bool IsTransient => true;
    }

    public Task DisposeAsync()
    {
        _factory.Dispose();
        return Task.CompletedTask;
    }
}
