using Microsoft.EntityFrameworkCore;
using Npgsql;
using VaeWorkbench.Web.Data;

namespace VaeWorkbench.Web.Tests.Postgres;

/// <summary>
/// After every session of the database is ended (what a PostgreSQL restart does), the app's pooled connections are all
/// dead. The first command finds out and fails; it must be the only one: Npgsql then empties the pool, so the commands
/// after it open fresh connections rather than each meeting a dead one of its own. The app counts on that after a
/// restart (its heartbeats and claims would otherwise fail once per pooled connection), so a Npgsql that stopped doing
/// it would fail here.
/// </summary>
[Trait("Category", PostgresDatabase.Category)]
public sealed class PostgresPoolAfterRestartTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>
{
    private const int Pooled = 4;

    [Fact]
    public async Task Only_the_first_command_after_the_sessions_end_fails_and_the_rest_open_fresh_connections()
    {
        await using (var db = database.Open()) await db.Database.MigrateAsync();
        // Several connections at once, so the pool keeps that many when they are returned.
        var contexts = Enumerable.Range(0, Pooled).Select(_ => database.Open()).ToList();
        await Task.WhenAll(contexts.Select(c => c.Database.OpenConnectionAsync()));
        await Task.WhenAll(contexts.Select(c => c.Users.CountAsync()));
        foreach (var context in contexts) await context.DisposeAsync();

        Assert.Equal(Pooled, await EndSessionsAsync());

        var failures = new List<Exception>();
        for (var i = 0; i < Pooled + 2; i++)
        {
            try
            {
                await using var db = database.Open();
                await db.Users.CountAsync();
            }
            catch (Exception e)
            {
                failures.Add(e);
            }
        }
        Assert.True(failures.Count <= 1, $"{failures.Count} commands failed after the sessions ended:\n{string.Join("\n", failures.Select(f => f.Message))}");
        Assert.All(failures, f => Assert.True(DatabaseErrors.IsConnectionLost(f), f.ToString()));
    }

    /// <summary>Ends every session on the test's database, as <c>pg_ctl restart -m fast</c> does; returns how many it ended.</summary>
    private async Task<long> EndSessionsAsync()
    {
        var admin = new NpgsqlConnectionStringBuilder(database.ConnectionString) { Database = "postgres", Pooling = false }.ConnectionString;
        await using var connection = new NpgsqlConnection(admin);
        await connection.OpenAsync();
        await using var end = new NpgsqlCommand("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = @name", connection);
        end.Parameters.AddWithValue("name", database.Name);
        return (long)(await end.ExecuteScalarAsync())!;
    }
}
