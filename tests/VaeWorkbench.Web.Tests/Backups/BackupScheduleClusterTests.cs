using System.Globalization;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using VaeWorkbench.Web.Backups;
using VaeWorkbench.Web.Tests.Infrastructure;

namespace VaeWorkbench.Web.Tests.Backups;

/// <summary>
/// Scheduled backups with more than one server: only servers that serve the UI schedule them, and servers that share a
/// data folder back up once per interval between them, not once each.
/// </summary>
public sealed class BackupScheduleClusterTests : IDisposable
{
    private const double IntervalHours = 0.0005; // 1.8 s
    private readonly string _root = Path.Combine(Path.GetTempPath(), "vwb-backup-cluster-" + Guid.NewGuid().ToString("N"));

    private Dictionary<string, string?> Schedule(string? role = null) => new()
    {
        ["Backup:Directory"] = _root, ["Backup:IntervalHours"] = IntervalHours.ToString(CultureInfo.InvariantCulture), ["Backup:Keep"] = "50",
        ["Node:Role"] = role,
    };

    [Theory]
    [InlineData("worker", false)]
    [InlineData("web", true)]
    [InlineData("all", true)]
    public void Only_a_server_that_serves_the_ui_schedules_backups(string role, bool schedules)
    {
        using var factory = new WorkbenchFactory(Schedule(role));
        var scheduler = factory.Services.GetServices<IHostedService>().OfType<BackupScheduler>();
        Assert.Equal(schedules ? 1 : 0, scheduler.Count());
    }

    [Fact]
    public async Task Two_servers_on_one_data_folder_back_up_once_per_interval_between_them()
    {
        using var first = new WorkbenchFactory(Schedule());
        _ = first.Services;
        using var second = new WorkbenchFactory(Schedule(), first.DataDirectory);
        _ = second.Services;

        var backups = first.Services.GetRequiredService<BackupService>();
        var made = await Eventually.WaitForAsync(() => Task.FromResult(backups.List()), b => b.Count >= 4, TimeSpan.FromMinutes(2), "four scheduled backups");

        // Each backup is named by the time it started; the next is due an interval after the previous one finished,
        // whichever server made it. Two servers that each kept their own schedule would start two at once.
        var interval = TimeSpan.FromHours(IntervalHours);
        foreach (var (earlier, later) in made.Zip(made.Skip(1)))
            Assert.True(StartedAt(later.Name) - StartedAt(earlier.Name) >= interval, $"{earlier.Name} and {later.Name} are less than an interval apart");
    }

    [Fact]
    public async Task A_server_waits_while_another_holds_the_schedule_lock_and_backs_up_once_it_is_free()
    {
        var log = new CapturedLog();
        using var root = new WorkbenchFactory(Schedule());
        Directory.CreateDirectory(root.DataDirectory);
        var held = BackupScheduleLock.TryTake(root.DataDirectory);
        Assert.NotNull(held); // what another server holds while it backs up
        var factory = root.WithWebHostBuilder(b => b.ConfigureLogging(l => l.AddProvider(log)));
        _ = factory.Services;

        await Eventually.WaitForAsync(() => Task.FromResult(log.Lines), l => l.Any(line => line.Contains("Another server is taking the scheduled backup")),
            TimeSpan.FromMinutes(1), "the server to find the lock taken");
        Assert.Null(BackupScheduleLock.TryTake(root.DataDirectory));
        Assert.Empty(factory.Services.GetRequiredService<BackupService>().List());

        held!.Dispose();
        await Eventually.WaitForAsync(() => Task.FromResult(factory.Services.GetRequiredService<BackupService>().List()), b => b.Count >= 1,
            TimeSpan.FromMinutes(1), "the backup once the lock is free");
    }

    private static DateTime StartedAt(string name) =>
        DateTime.ParseExact(name["backup-".Length..], "yyyyMMdd'T'HHmmssfff'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }
}
