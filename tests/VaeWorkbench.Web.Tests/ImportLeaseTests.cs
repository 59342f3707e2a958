using Microsoft.EntityFrameworkCore;
using VaeWorkbench.Web.Data;
using VaeWorkbench.Web.Data.Entities;
using VaeWorkbench.Web.Datasets;
using VaeWorkbench.Web.Tests.Infrastructure;

namespace VaeWorkbench.Web.Tests;

/// <summary>
/// Imports hold their dataset by a lease with a heartbeat (issue 9, item 18): a server that starts next to a live one
/// fails only abandoned imports, and the periodic sweep fails an import once its server stops renewing it.
/// </summary>
public sealed class ImportLeaseTests : IDisposable
{
    private static readonly Dictionary<string, string?> Settings = new()
    {
        ["Datasets:ImportHeartbeatSeconds"] = "1",
        ["Datasets:ImportLeaseSeconds"] = "3",
        ["Datasets:PurgeIntervalSeconds"] = "1",
    };

    private readonly WorkbenchFactory _first = new(Settings);
    private WorkbenchFactory? _second;

    [Fact]
    public async Task A_second_server_starting_fails_only_the_abandoned_import_and_the_sweep_fails_the_other_once_its_heartbeat_stops()
    {
        var user = await _first.RegisterWithTokenAsync();
        var teamId = await user.PersonalTeamIdAsync();
        var leases = _first.Services.GetRequiredService<ImportLeases>();
        var live = await AddImportingAsync(teamId, leases.FirstExpiry());
        var abandoned = await AddImportingAsync(teamId, DateTimeOffset.UtcNow.AddMinutes(-1));

        await using (leases.Hold(live))
        {
            var started = await LeaseOfAsync(live);
            // The heartbeat moves the lease on while the import runs.
            await Eventually.WaitForAsync(() => LeaseOfAsync(live), l => l > started, TimeSpan.FromSeconds(60), "the import heartbeat to renew the lease");

            // Another server starts on the same database: its start-up recovery runs before it serves.
            _second = new WorkbenchFactory(Settings, _first.DataDirectory);
            _ = _second.Services;
            Assert.Equal(DatasetStatus.Failed, (await RowAsync(abandoned)).Status);
            Assert.Contains("server stopped", (await RowAsync(abandoned)).Error);

            // Longer than a lease: still Importing, because the first server keeps renewing it.
            await Eventually.WaitForAsync(() => LeaseOfAsync(live), l => l > started.AddSeconds(4), TimeSpan.FromSeconds(60), "several renewals");
            Assert.Equal(DatasetStatus.Importing, (await RowAsync(live)).Status);
        }

        // The import's server stopped renewing (as if it died): the sweep of the other servers fails it once the lease lapses.
        var failed = await Eventually.WaitForAsync(() => RowAsync(live), d => d.Status != DatasetStatus.Importing, TimeSpan.FromSeconds(60), "the sweep to fail the abandoned import");
        Assert.Equal(DatasetStatus.Failed, failed.Status);
    }

    private async Task<Guid> AddImportingAsync(Guid teamId, DateTimeOffset leaseExpiresAt)
    {
        await using var scope = _first.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var dataset = new Dataset
        {
            Id = Guid.NewGuid(), TeamId = teamId, Name = "importing", ImageSize = 28, Channels = 1, Status = DatasetStatus.Importing,
            CreatedByUserId = await db.TeamMembers.Where(m => m.TeamId == teamId).Select(m => m.UserId).FirstAsync(),
            CreatedAt = DateTimeOffset.UtcNow, ImportLeaseExpiresAt = leaseExpiresAt,
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

    private async Task<DateTimeOffset> LeaseOfAsync(Guid id) => (await RowAsync(id)).ImportLeaseExpiresAt!.Value;

    public void Dispose()
    {
        _second?.Dispose();
        _first.Dispose();
    }
}
