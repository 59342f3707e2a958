using System.Net;
using System.Text.Json;
using VaeWorkbench.Web.Backups;
using VaeWorkbench.Web.Tests.Infrastructure;

namespace VaeWorkbench.Web.Tests.Postgres;

/// <summary>
/// The app's backups copy the SQLite database with the data folder; they cannot back up PostgreSQL. On PostgreSQL every
/// way in says so and names the tool that can (pg_dump, pg_restore), instead of writing a backup without the database.
/// </summary>
[Trait("Category", PostgresDatabase.Category)]
public sealed class PostgresBackupTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>, IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "vwb-pg-backup-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public void A_backup_schedule_on_postgres_stops_the_server_at_start_naming_pg_dump()
    {
        using var factory = new WorkbenchFactory(database.Settings(new() { ["Backup:Directory"] = _root, ["Backup:IntervalHours"] = "24" }));
        var failure = Assert.ThrowsAny<Exception>(() => factory.CreateClient());
        Assert.Contains("Backup:IntervalHours must be 0 when Database:Provider is Postgres", failure.ToString());
        Assert.Contains("pg_dump", failure.ToString());
    }

    [Fact]
    public async Task The_readiness_report_says_backups_are_made_with_pg_dump()
    {
        using var factory = new WorkbenchFactory(database.Settings());
        var response = await factory.CreateClient().GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var report = JsonSerializer.Deserialize<JsonElement>(await response.Content.ReadAsStringAsync());
        var backup = report.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "backup");
        Assert.Equal("Healthy", backup.GetProperty("status").GetString());
        Assert.Contains("pg_dump", backup.GetProperty("description").GetString());
    }

    [Fact]
    public async Task The_backup_and_restore_commands_refuse_on_postgres_naming_pg_dump_and_pg_restore_and_write_nothing()
    {
        using var factory = new WorkbenchFactory(database.Settings());
        var target = Path.Combine(_root, "backup");
        var output = new StringWriter();
        Assert.Equal(1, await BackupCommand.RunAsync(factory.Services, target, output));
        Assert.StartsWith("backup: FAILED: ", output.ToString());
        Assert.Contains("pg_dump", output.ToString());
        Assert.False(Directory.Exists(target));

        Directory.CreateDirectory(target);
        output = new StringWriter();
        Assert.Equal(1, await RestoreCommand.RunAsync(factory.Services, target, output));
        Assert.StartsWith("restore: REFUSED: ", output.ToString());
        Assert.Contains("pg_restore", output.ToString());
    }

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }
}
