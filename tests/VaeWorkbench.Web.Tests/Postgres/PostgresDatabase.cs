using Npgsql;
using VaeWorkbench.Web.Data;
using VaeWorkbench.Web.Options;

namespace VaeWorkbench.Web.Tests.Postgres;

/// <summary>
/// A fresh, empty PostgreSQL database for one test class (<c>IClassFixture&lt;PostgresDatabase&gt;</c>), dropped after
/// it. The server is the one scripts/test.sh starts, named by the environment variable <c>VAE_TEST_POSTGRES</c> (a
/// connection string without a database). Without it the tests fail, saying how to get one: they never skip.
/// </summary>
public sealed class PostgresDatabase : IAsyncLifetime
{
    public const string Variable = "VAE_TEST_POSTGRES";

    /// <summary>Tests that need a PostgreSQL server carry this trait: <c>dotnet test --filter Category=Postgres</c>.</summary>
    public const string Category = "Postgres";

    public string Name { get; } = $"vwb_test_{Guid.NewGuid():N}";

    /// <summary>The connection string of this class's database (it does not exist until the first migration creates it).</summary>
    public string ConnectionString => new NpgsqlConnectionStringBuilder(Server()) { Database = Name }.ConnectionString;

    /// <summary>Settings that put a <see cref="Infrastructure.WorkbenchFactory"/> on this database.</summary>
    public Dictionary<string, string?> Settings(Dictionary<string, string?>? more = null)
    {
        var settings = new Dictionary<string, string?>(more ?? [])
        {
            ["Database:Provider"] = nameof(DatabaseProvider.Postgres),
            ["ConnectionStrings:Postgres"] = ConnectionString,
        };
        return settings;
    }

    /// <summary>A context on this database, outside any app.</summary>
    public AppDbContext Open() => WorkbenchDatabase.Open(DatabaseProvider.Postgres, ConnectionString);

    public static string Server() =>
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } server
            ? server
            : throw new InvalidOperationException(
                $"{Variable} is not set, so there is no PostgreSQL server for the PostgreSQL tests. Run them through scripts/test.sh, " +
                "which installs postgresql and starts a throwaway cluster on 127.0.0.1; or start one yourself (docs: README, " +
                $"'Running on PostgreSQL') and set {Variable}=\"Host=127.0.0.1;Port=<port>;Username=postgres\".");

    public Task InitializeAsync()
    {
        Server(); // fails the class at once, with the message above, when there is no server
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var admin = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(Server()) { Database = "postgres", Pooling = false }.ConnectionString);
        await admin.OpenAsync();
        await using var drop = admin.CreateCommand();
        drop.CommandText = $"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)";
        await drop.ExecuteNonQueryAsync();
    }
}
