using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;
using VaeWorkbench.Web.Backups;
using VaeWorkbench.Web.Tests.Infrastructure;

namespace VaeWorkbench.Web.Tests.Backups;

/// <summary>Scheduled backups: retention, the scheduler itself, and a failing schedule that must not disturb the server.</summary>
public sealed class BackupScheduleTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "vwb-backup-schedule-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task Retention_keeps_exactly_Keep_backups_the_newest_ones()
    {
        using var factory = new WorkbenchFactory(new() { ["Backup:Directory"] = _root, ["Backup:Keep"] = "2" });
        await factory.RegisterWithTokenAsync();
        var backups = factory.Services.GetRequiredService<BackupService>();

        var made = new List<string>();
        for (var i = 0; i < 4; i++) made.Add((await backups.BackUpOnScheduleAsync()).Directory);

        Assert.Equal(made.TakeLast(2).Select(Path.GetFileName).Order(), Directory.EnumerateDirectories(_root).Select(Path.GetFileName).Order());
        Assert.Equal(made.TakeLast(2).Select(Path.GetFileName), backups.List().Select(b => b.Name));
        Assert.Equal(4, made.Distinct().Count());
    }

    [Fact]
    public async Task The_scheduler_backs_up_on_its_own_and_records_the_result_for_the_administrator()
    {
        using var factory = new WorkbenchFactory(new() { ["Backup:Directory"] = _root, ["Backup:IntervalHours"] = "0.0003", ["Backup:Keep"] = "3" });
        var admin = await factory.RegisterWithTokenAsync();

        var overview = await Eventually.WaitForAsync(() => admin.GetJsonAsync("/api/admin/backups"),
            o => o.GetProperty("backups").GetArrayLength() >= 2, TimeSpan.FromMinutes(2), "two scheduled backups");

        var last = overview.GetProperty("lastSuccess");
        Assert.Equal(BackupService.ScheduledTrigger, last.GetProperty("trigger").GetString());
        Assert.True(last.GetProperty("sizeBytes").GetInt64() > 0);
        Assert.True(overview.GetProperty("scheduled").GetBoolean());
        Assert.All(overview.GetProperty("backups").EnumerateArray(), b => Assert.True(File.Exists(Path.Combine(_root, b.GetProperty("name").GetString()!, BackupManifest.FileName))));
    }

    [Fact]
    public async Task A_failing_scheduled_backup_is_logged_at_Error_reported_and_the_server_keeps_serving()
    {
        // The backup folder's parent is a file, so every backup fails to create its folder.
        Directory.CreateDirectory(_root);
        var blocked = Path.Combine(_root, "a-file");
        File.WriteAllText(blocked, "not a folder");
        var log = new CapturedLog();
        using var root = new WorkbenchFactory(new() { ["Backup:Directory"] = Path.Combine(blocked, "backups"), ["Backup:IntervalHours"] = "0.0003" });
        var factory = root.WithWebHostBuilder(b => b.ConfigureLogging(l => l.AddProvider(log)));
        var admin = await factory.RegisterWithTokenAsync();

        var overview = await Eventually.WaitForAsync(() => admin.GetJsonAsync("/api/admin/backups"),
            o => o.GetProperty("lastAttempt").ValueKind == JsonValueKind.Object, TimeSpan.FromMinutes(1), "a scheduled backup attempt");
        Assert.False(overview.GetProperty("lastAttempt").GetProperty("succeeded").GetBoolean());
        Assert.False(string.IsNullOrEmpty(overview.GetProperty("lastAttempt").GetProperty("error").GetString()));
        await Eventually.WaitForAsync(() => Task.FromResult(log.Lines), lines => lines.Any(l => l.StartsWith("Error VaeWorkbench.Web.Backups.BackupScheduler", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(30), "the failure in the log at Error");

        var health = await factory.CreateClient().GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal("Degraded", await health.Content.ReadAsStringAsync());
        // The server still takes writes, and the scheduler tries again.
        await admin.UploadAsync(DatasetUploads.Form("after-failure", 28, 1, [("a.png", Imaging.Formats.Png.PngEncoder.Encode(DatasetUploads.Fashion(0).Image))]));
        await Eventually.WaitForAsync(() => Task.FromResult(log.Lines.Count(l => l.StartsWith("Error VaeWorkbench.Web.Backups.BackupScheduler", StringComparison.Ordinal))),
            failures => failures >= 2, TimeSpan.FromMinutes(1), "a second scheduled attempt");
    }

    [Theory]
    [InlineData("Backup:Keep", "0", "Backup:Keep must be at least 1")]
    [InlineData("Backup:IntervalHours", "-1", "Backup:IntervalHours must be between 0")]
    [InlineData("Backup:IntervalHours", "24", "Backup:Directory must be set")]
    [InlineData("Admin:Emails:0", "not-an-address", "Admin:Emails must hold e-mail addresses")]
    public void Bad_backup_settings_stop_the_server_at_start_with_the_reason(string key, string value, string reason)
    {
        using var factory = new WorkbenchFactory(new() { [key] = value });
        var failure = Assert.ThrowsAny<Exception>(() => factory.CreateClient());
        Assert.Contains(reason, failure.ToString());
    }

    [Fact]
    public void A_backup_folder_inside_the_data_folder_is_refused_at_start()
    {
        using var probe = new WorkbenchFactory();
        using var factory = new WorkbenchFactory(new() { ["Backup:Directory"] = Path.Combine(probe.DataDirectory, "backups") }, probe.DataDirectory);
        var failure = Assert.ThrowsAny<Exception>(() => factory.CreateClient());
        Assert.Contains("Backup:Directory must lie outside Storage:DataDirectory", failure.ToString());
    }

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }
}
