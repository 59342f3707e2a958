using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Npgsql;
using VaeWorkbench.Web.Data;
using VaeWorkbench.Web.Options;
using VaeWorkbench.Web.Tests.Infrastructure;
using VaeWorkbench.Web.Tests.Migrations;
using Xunit.Abstractions;

namespace VaeWorkbench.Web.Tests.Postgres;

/// <summary>
/// <c>vae db copy</c>'s engine on the release fixture (tests/fixtures/pre-ef-migrations, upgraded to this version's
/// schema first): every table arrives with every row, the app then serves the same users from PostgreSQL, and a
/// second copy into the same database is refused.
/// </summary>
[Trait("Category", PostgresDatabase.Category)]
public sealed class DatabaseCopyTests(PostgresDatabase database, ITestOutputHelper output) : IClassFixture<PostgresDatabase>, IDisposable
{
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "vwb-copy-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task The_fixture_database_is_copied_with_every_row_of_every_table_and_its_users_sign_in_on_postgres()
    {
        PreEfMigrationsFixture.CopyTo(_dataDirectory);
        using (var upgrade = new WorkbenchFactory(sharedDataDirectory: _dataDirectory))
            Assert.Equal(HttpStatusCode.OK, (await upgrade.CreateClient().GetAsync("/healthz")).StatusCode);
        SqliteConnection.ClearAllPools();
        var file = Path.Combine(_dataDirectory, "vaeworkbench.db");
        var sqliteCounts = await SqliteSchema.RowCountsAsync(file);

        var source = $"Data Source={file};Pooling=False";
        AppDbContext OpenSource() => WorkbenchDatabase.Open(DatabaseProvider.Sqlite, source);
        await using (var from = OpenSource())
        await using (var to = database.Open())
        {
            var report = await DatabaseCopy.CopyAsync(from, OpenSource, to, database.Open, output.WriteLine);
            foreach (var table in report) output.WriteLine($"{table.Table,-28} {table.SourceRows,6} {table.TargetRows,6} {table.SourceChecksum[..16]} {table.TargetChecksum[..16]}");
            Assert.All(report, t => Assert.True(t.Matches, $"{t.Table}: {t.SourceRows} -> {t.TargetRows} rows, {t.SourceChecksum} -> {t.TargetChecksum}"));

            // Every table SQLite has (but EF's history, which each side writes for itself) is in the report, with
            // the count SQLite itself gives; and PostgreSQL's own count agrees.
            var reported = report.ToDictionary(t => t.Table, t => t.SourceRows);
            foreach (var (table, rows) in sqliteCounts.Where(t => t.Key is not "__EFMigrationsHistory" and not "sqlite_sequence"))
            {
                Assert.True(reported.TryGetValue(table, out var copied), $"{table} was not copied");
                Assert.Equal(rows, copied);
                Assert.Equal(rows, await PostgresCountAsync(table));
            }
            Assert.True(reported["AspNetUsers"] == 2 && reported["Teams"] > 0 && reported["DatasetImages"] > 0, "the fixture's rows are there");
        }

        // The app on PostgreSQL serves the copied users: a password from the SQLite days and a token from then work.
        using var onPostgres = new WorkbenchFactory(database.Settings());
        var anonymous = onPostgres.CreateClient();
        var signIn = await anonymous.PostAsJsonAsync("/api/auth/token", new { email = "alice@example.com", password = "alice-password-1", name = "after copy" });
        await ApiClient.EnsureStatusAsync(signIn, HttpStatusCode.OK);
        var oldToken = (await File.ReadAllTextAsync(Path.Combine(_dataDirectory, "alice-token.txt"))).Trim();
        anonymous.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", oldToken);
        var me = await anonymous.GetFromJsonAsync<JsonElement>("/api/me");
        Assert.Equal("alice@example.com", me.GetProperty("email").GetString());
        Assert.Contains(me.GetProperty("teams").EnumerateArray(), t => t.GetProperty("name").GetString() == "Vision lab");

        // A second copy into the same database is refused, naming a table that has rows.
        await using var again = OpenSource();
        await using var target = database.Open();
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => DatabaseCopy.CopyAsync(again, OpenSource, target, database.Open));
        Assert.Matches("The target database is not empty: [A-Za-z]+ has [0-9]+ row", refused.Message);
    }

    private async Task<long> PostgresCountAsync(string table)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var count = connection.CreateCommand();
        count.CommandText = $"SELECT COUNT(*) FROM \"{table}\"";
        return (long)(await count.ExecuteScalarAsync())!;
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_dataDirectory)) Directory.Delete(_dataDirectory, recursive: true);
    }
}
