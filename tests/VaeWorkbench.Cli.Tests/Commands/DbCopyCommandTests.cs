using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using VaeWorkbench.Web.Data;
using VaeWorkbench.Web.Data.Entities;
using VaeWorkbench.Web.Options;

namespace VaeWorkbench.Cli.Tests.Commands;

/// <summary>
/// <c>vae db copy</c> as a user runs it. The copy itself is tested on the release fixture in the web tests
/// (DatabaseCopyTests); here: the command's arguments, its refusals and its report.
/// </summary>
public sealed class DbCopyCommandTests : IDisposable
{
    private readonly string _directory = CliHarness.TempDirectory();

    [Fact]
    public void Without_a_target_it_says_which_option_is_missing()
    {
        var (code, _, stderr) = CliHarness.Run("db", "copy", "--from", "x.db");
        Assert.Equal(2, code);
        Assert.Contains("--to", stderr);
    }

    [Fact]
    public void A_source_at_an_older_schema_is_refused_before_the_target_is_touched()
    {
        var file = Path.Combine(_directory, "empty.db");
        using (var connection = new SqliteConnection($"Data Source={file};Pooling=False")) connection.Open();
        var (code, _, stderr) = CliHarness.Run("db", "copy", "--from", file, "--to", "Host=127.0.0.1;Port=1;Database=never_reached");
        Assert.Equal(1, code);
        Assert.Contains("The source database is not at this version's schema", stderr);
    }

    [Fact]
    [Trait("Category", "Postgres")]
    public async Task It_copies_into_an_empty_postgres_database_prints_a_line_per_table_and_refuses_to_copy_twice()
    {
        var server = Environment.GetEnvironmentVariable("VAE_TEST_POSTGRES") is { Length: > 0 } s ? s
            : throw new InvalidOperationException("VAE_TEST_POSTGRES is not set: run the tests through scripts/test.sh, which starts a PostgreSQL cluster for them.");
        var file = Path.Combine(_directory, "source.db");
        await using (var db = WorkbenchDatabase.Open(DatabaseProvider.Sqlite, $"Data Source={file};Pooling=False"))
        {
            await db.Database.MigrateAsync();
            db.Teams.Add(new Team { Id = Guid.NewGuid(), Name = "Vision lab", CreatedAt = DateTimeOffset.UtcNow });
            await db.SaveChangesAsync();
        }
        var target = new NpgsqlConnectionStringBuilder(server) { Database = $"vwb_cli_{Guid.NewGuid():N}" }.ConnectionString;
        try
        {
            var (code, stdout, stderr) = CliHarness.Run("db", "copy", "--from", file, "--to", target);
            Assert.True(code == 0, stderr + stdout);
            Assert.Matches(@"(?m)^Teams +1 +1 +[0-9a-f]{16} +ok$", stdout);
            Assert.Matches(@"(?m)^AspNetUsers +0 +0 .* ok$", stdout);
            Assert.Contains("copied 1 rows in", stdout);
            Assert.Contains("every table matches", stdout);

            var (again, _, refusal) = CliHarness.Run("db", "copy", "--from", file, "--to", target);
            Assert.Equal(1, again);
            Assert.Contains("The target database is not empty: public.\"Teams\" has 1 row(s).", refusal);
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await using var admin = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(server) { Database = "postgres" }.ConnectionString);
            await admin.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{new NpgsqlConnectionStringBuilder(target).Database}\" WITH (FORCE)", admin);
            await drop.ExecuteNonQueryAsync();
        }
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }
}
