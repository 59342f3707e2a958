using Microsoft.EntityFrameworkCore;
using VaeWorkbench.Web.Data;
using VaeWorkbench.Web.Data.Entities;
using VaeWorkbench.Web.Jobs;
using VaeWorkbench.Web.Runs;
using VaeWorkbench.Web.Tests.Infrastructure;

namespace VaeWorkbench.Web.Tests;

/// <summary>The leased job queue's guarantee: only the lease holder writes, and completion happens exactly once.</summary>
public sealed class JobLeaseTests : IDisposable
{
    private readonly WorkbenchFactory _factory = new(WorkbenchFactory.FastTraining());

    [Fact]
    public async Task A_worker_whose_lease_was_taken_writes_nothing_and_stops_and_the_holder_completes_exactly_once()
    {
        var user = await _factory.RegisterWithTokenAsync();
        var teamId = await user.PersonalTeamIdAsync();
        var datasetId = await _factory.CreateFashionMnistAsync(teamId, 20);
        var runId = Guid.NewGuid();
        await using var scope = _factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var now = DateTimeOffset.UtcNow;
        // Another server took the run over (its lease is live for an hour), so no queue here claims it.
        db.TrainingRuns.Add(new TrainingRun
        {
            Id = runId, TeamId = teamId, DatasetId = datasetId, SettingsJson = "{}", Status = RunStatus.Running, Epochs = 10,
            CreatedByUserId = (await db.TeamMembers.FirstAsync(m => m.TeamId == teamId)).UserId, CreatedAt = now, QueueOrder = now.UtcTicks,
            LeaseOwner = "the-new-holder", LeaseExpiresAt = now.AddHours(1),
        });
        await db.SaveChangesAsync();
        var queue = scope.ServiceProvider.GetRequiredService<TrainingJobService>();

        await using (var stale = new JobLease<TrainingRun, RunStatus>(queue, runId, "the-stalled-server", CancellationToken.None))
        {
            Assert.False(await stale.CompleteAsync(db, RunStatus.Succeeded));
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => stale.UpdateAsync(db, u => u.Set(r => r.Epoch, 7)));
            Assert.Equal(JobStop.LeaseLost, stale.Stop);
            Assert.True(stale.Token.IsCancellationRequested);
        }
        var untouched = await db.TrainingRuns.AsNoTracking().SingleAsync(r => r.Id == runId);
        Assert.Equal((RunStatus.Running, "the-new-holder", 0), (untouched.Status, untouched.LeaseOwner, untouched.Epoch));

        await using var holder = new JobLease<TrainingRun, RunStatus>(queue, runId, "the-new-holder", CancellationToken.None);
        await holder.UpdateAsync(db, u => u.Set(r => r.Epoch, 3));
        Assert.True(await holder.CompleteAsync(db, RunStatus.Succeeded));
        Assert.False(await holder.CompleteAsync(db, RunStatus.Failed), "a second completion must not overwrite the first");
        var done = await db.TrainingRuns.AsNoTracking().SingleAsync(r => r.Id == runId);
        Assert.Equal((RunStatus.Succeeded, (string?)null, 3), (done.Status, done.LeaseOwner, done.Epoch));
        Assert.NotNull(done.FinishedAt);
    }

    public void Dispose() => _factory.Dispose();
}
