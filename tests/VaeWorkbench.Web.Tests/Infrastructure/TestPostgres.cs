using Npgsql;
using VaeWorkbench.Web.Tests.Postgres;

namespace VaeWorkbench.Web.Tests.Infrastructure;

/// <summary>A database of its own on the PostgreSQL server of <see cref="PostgresDatabase"/>, for tests that use Npgsql directly.</summary>
public static class TestPostgres
{
    public static string AdminConnectionString => new NpgsqlConnectionStringBuilder(PostgresDatabase.Server()) { Database = "postgres" }.ConnectionString;

    public static async Task<string> CreateDatabaseAsync(string purpose)
    {
        var name = $"vwb_{purpose}_{Guid.NewGuid():N}"[..40];
        await using var admin = new NpgsqlConnection(AdminConnectionString);
        await admin.OpenAsync();
        await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", admin);
        await create.ExecuteNonQueryAsync();
        return new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = name }.ConnectionString;
    }
}
