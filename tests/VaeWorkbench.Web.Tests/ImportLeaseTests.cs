using Microsoft.EntityFrameworkCore;
using VaeWorkbench.Web.Data;
using VaeWorkbench.Web.Data.Entities;
using VaeWorkbench.Web.Datasets;
using VaeWorkbench.Web.Jobs;
using VaeWorkbench.Web.Tests.Infrastructure;

namespace VaeWorkbench.Web.Tests;

/// <summary>
/// Imports are leased jobs whose heartbeat renews the lease (issue 9, item 18; issue 19): a server that starts next to a
/// live one fails only abandoned imports, and the periodic sweep fails an import once its node stops renewing it (with
/// the default of one attempt, an import whose node stopped is not run again).
/// </summary>
public sealed class ImportLeaseTests : IDisposable
{
    private static readonly Dictionary<string, string?> Settings = new()
    {
        ["Datasets:ImportHeartbeatSeconds"] = "1",
        ["Datasets:ImportLeaseSeconds"] = "3",
        ["Datasets:PurgeIntervalSeconds"] = "1",
        // No queue looks for work by itself here, so only the recovery decides what happens to these rows.
        ["Datasets:ImportPollSeconds"] = "3600",
    };

    private readonly WorkbenchFactory _first = new(Settings);
    private WorkbenchFactory? _second;

    [Fact]
    public async Task A_second_server_starting_fails_only_the_abandoned_import_and_the_sweep_fails_the_other_once_its_heartbeat_stops()
    {
        var user = await _first.RegisterWithTokenAsync();
        var teamId = await user.PersonalTeamIdAsync();
        const string owner = "the-node-running-it";
        var live = await AddImportingAsync(teamId, DateTimeOffset.UtcNow.AddSeconds(3), owner);
        var abandoned = await AddImportingAsync(teamId, DateTimeOffset.UtcNow.AddMinutes(-1), "a-node-that-died");

        await using (new JobLease<Dataset, DatasetStatus>(_first.Services.GetRequiredService<DatasetImportQueue>(), live, owner, CancellationToken.None))
        {
            var started = await LeaseOfAsync(live);
            // The heartbeat moves the lease on while the import runs.
            await Eventually.WaitForAsync(() => LeaseOfAsync(live), l => l > started, TimeSpan.FromSeconds(60), "the import heartbeat to renew the lease");

            // Another server starts on the same database: its start-up recovery runs before it serves.
            _second = new WorkbenchFactory(Settings, _first.DataDirectory);
            _ = _second.Services;
            Assert.Equal(DatasetStatus.Failed, (await RowAsync(abandoned)).Status);
            Assert.Contains("server stopped", (await RowAsync(abandoned)).Error);

            // Longer than a lease: still Importing, because its node keeps renewing it.
            await Eventually.WaitForAsync(() => LeaseOfAsync(live), l => l > started.AddSeconds(4), TimeSpan.FromSeconds(60), "several renewals");
            Assert.Equal(DatasetStatus.Importing, (await RowAsync(live)).Status);
        }

        // The import's node stopped renewing (as if it died): the sweep of the other servers fails it once the lease lapses.
        var failed = await Eventually.WaitForAsync(() => RowAsync(live), d => d.Status != DatasetStatus.Importing, TimeSpan.FromSeconds(60), "the sweep to fail the abandoned import");
        Assert.Equal(DatasetStatus.Failed, failed.Status);
        Assert.Contains("server stopped", failed.Error);
    }

    private async Task<Guid> AddImportingAsync(Guid teamId, DateTimeOffset leaseExpiresAt, string owner)
    {
        await using var scope = _first.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var dataset = new Dataset
        {
            Id = Guid.NewGuid(), TeamId = teamId, Name = "importing", ImageSize = 28, Channels = 1, Status = DatasetStatus.Importing,
            CreatedByUserId = await db.TeamMembers.Where(m => m.TeamId == teamId).Select(m => m.UserId).FirstAsync(),
            CreatedAt = DateTimeOffset.UtcNow, LeaseOwner = owner, LeaseExpiresAt = leaseExpiresAt, ImportAttempts = 1,
            ImportSourceJson = new ImportSource(Files: [new StagedFile("a.zip", "0.upload")]).ToJson(),
        };
        db.Datasets.Add(dataset);
        await db.SaveChangesAsync();
        return dataset.Id;
    }

    private async Task<Dataset> RowAsync(Guid id)
    {
        await using var scope = _first.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<AppDbContext>().Datasets.AsNoTracking().SingleAsync(d => d.Id == id);
    }

    private async Task<DateTimeOffset> LeaseOfAsync(Guid id) => (await RowAsync(id)).LeaseExpiresAt!.Value;

    public void Dispose()
    {
        _second?.Dispose();
        _first.Dispose();
    }
}
