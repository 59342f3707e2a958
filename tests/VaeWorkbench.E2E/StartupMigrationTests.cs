using Microsoft.Data.Sqlite;
using VaeWorkbench.E2E.Infrastructure;
using VaeWorkbench.Web.Tests.Migrations;

namespace VaeWorkbench.E2E;

/// <summary>The real app applying its migrations at start-up: two processes at once, and an upgrade that fails.</summary>
public sealed class StartupMigrationTests : IDisposable
{
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "vwb-startup-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task Two_processes_starting_at_once_on_one_empty_database_build_one_schema_without_error()
    {
        Directory.CreateDirectory(_dataDirectory);
        var starts = await Task.WhenAll(AppServer.StartAsync(null, _dataDirectory), AppServer.StartAsync(null, _dataDirectory));
        await using var first = starts[0];
        await using var second = starts[1];

        var database = Path.Combine(_dataDirectory, "vaeworkbench.db");
        await using var connection = new SqliteConnection($"Data Source={database};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        var history = await SqliteSchema.ColumnAsync(connection, "SELECT MigrationId FROM __EFMigrationsHistory");
        Assert.NotEmpty(history);
        Assert.Equal(history.Distinct().Count(), history.Count);
        // Every migration was applied once, by one process or the other (EF logs each one it applies).
        var applied = (first.Output + second.Output).Split('\n').Where(l => l.Contains("Applying migration", StringComparison.Ordinal)).ToList();
        Assert.Equal(history.Count, applied.Count);
        foreach (var output in new[] { first.Output, second.Output })
        {
            Assert.DoesNotContain("fail:", output);
            Assert.DoesNotContain("crit:", output);
        }
    }

    /// <summary>
    /// The legacy fixture with a table in the way of the second migration (after the first has renamed Users): the
    /// upgrade fails part-way, the app says why and exits 1, and the database is exactly as it was.
    /// </summary>
    [Fact]
    public async Task An_upgrade_that_fails_leaves_the_database_as_it_was_and_the_app_exits_with_the_reason()
    {
        PreEfMigrationsFixture.CopyTo(_dataDirectory);
        var database = Path.Combine(_dataDirectory, "vaeworkbench.db");
        await ExecuteAsync(database, "CREATE TABLE AspNetRoles (Blocker INTEGER); INSERT INTO AspNetRoles VALUES (1);");
        var schema = await SqliteSchema.ReadAsync(database);
        var rows = await SqliteSchema.RowCountsAsync(database);
        var history = await HistoryAsync(database);

        var (exitCode, output) = await AppServer.RunToExitAsync(_dataDirectory, null);

        Assert.Equal(1, exitCode);
        Assert.Contains("The database could not be upgraded to this version", output);
        Assert.Contains("AspNetRoles", output);
        Assert.DoesNotContain("Now listening", output);
        Assert.Equal(schema, await SqliteSchema.ReadAsync(database));
        Assert.Equal(rows, await SqliteSchema.RowCountsAsync(database));
        Assert.Equal(history, await HistoryAsync(database));

        // With the obstacle gone the same database upgrades and serves.
        await ExecuteAsync(database, "DROP TABLE AspNetRoles;");
        await using var server = await AppServer.StartAsync(null, _dataDirectory);
        Assert.Contains("Applying migration", server.Output);
    }

    private static async Task<List<string>> HistoryAsync(string database)
    {
        await using var connection = new SqliteConnection($"Data Source={database};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        return await SqliteSchema.ColumnAsync(connection, "SELECT MigrationId FROM __EFMigrationsHistory ORDER BY MigrationId");
    }

    private static async Task ExecuteAsync(string database, string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={database};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_dataDirectory)) Directory.Delete(_dataDirectory, recursive: true);
    }
}
