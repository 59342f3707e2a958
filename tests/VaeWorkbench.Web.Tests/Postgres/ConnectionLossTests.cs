using Microsoft.EntityFrameworkCore;
using Npgsql;
using VaeWorkbench.Web.Data;
using VaeWorkbench.Web.Data.Entities;

namespace VaeWorkbench.Web.Tests.Postgres;

/// <summary>
/// What a PostgreSQL restart does to the app's pooled connections, without restarting the shared test server: every
/// server process of this database is terminated (57P01, as <c>pg_ctl restart -m fast</c> does), so each idle pooled
/// connection is dead and fails on its next use.
/// </summary>
[Trait("Category", PostgresDatabase.Category)]
public sealed class ConnectionLossTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>, IAsyncLifetime
{
    public async Task InitializeAsync()
    {
        await using var db = database.Open();
        await db.Database.MigrateAsync();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_read_on_a_pooled_connection_that_the_server_cut_is_retried_and_answers()
    {
        await WarmPoolAsync(connections: 3);
        Assert.True(await TerminateOtherBackendsAsync() >= 1, "no pooled connection was cut, so the test would prove nothing");

        for (var i = 0; i < 3; i++) // each of the dead pooled connections is met once
        {
            await using var db = database.Open();
            Assert.Equal(0, await db.Teams.CountAsync(t => t.Name == "no such team"));
        }
    }

    [Fact]
    public async Task A_write_after_the_cut_is_retried_and_stored_once()
    {
        await WarmPoolAsync(connections: 1);
        Assert.True(await TerminateOtherBackendsAsync() >= 1);

        await using (var db = database.Open())
        {
            db.Teams.Add(new Team { Id = Guid.NewGuid(), Name = "after the cut" });
            await db.SaveChangesAsync();
        }
        await using var check = database.Open();
        Assert.Equal(1, await check.Teams.CountAsync(t => t.Name == "after the cut"));
    }

    [Fact]
    public async Task Inside_the_apps_own_transaction_a_cut_connection_fails_to_its_caller_and_is_not_retried()
    {
        await using var db = database.Open();
        await using var transaction = await db.Database.BeginTransactionAsync();
        await db.Teams.CountAsync(); // the transaction's connection is open and known to the server
        Assert.True(await TerminateOtherBackendsAsync() >= 1);

        var error = await Assert.ThrowsAnyAsync<Exception>(() => db.Teams.CountAsync());
        Assert.Contains("57P01", error.ToString());
    }

    private async Task WarmPoolAsync(int connections)
    {
        var contexts = new List<AppDbContext>();
        for (var i = 0; i < connections; i++)
        {
            var db = database.Open();
            await db.Database.OpenConnectionAsync(); // held open, so each context takes its own pooled connection
            await db.Teams.CountAsync();
            contexts.Add(db);
        }
        foreach (var db in contexts) await db.DisposeAsync(); // back to the pool, still open on the server
    }

    /// <summary>Ends every other session on this test's database, as a fast shutdown does; returns how many.</summary>
    private async Task<int> TerminateOtherBackendsAsync()
    {
        await using var admin = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(database.ConnectionString) { Pooling = false }.ConnectionString);
        await admin.OpenAsync();
        await using var terminate = admin.CreateCommand();
        terminate.CommandText = "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()";
        return Convert.ToInt32(await terminate.ExecuteScalarAsync());
    }
}
