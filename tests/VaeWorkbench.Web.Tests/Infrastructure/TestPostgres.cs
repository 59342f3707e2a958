using Npgsql;

namespace VaeWorkbench.Web.Tests.Infrastructure;

/// <summary>
/// The throwaway PostgreSQL cluster scripts/test.sh starts on loopback; its connection string (to the postgres
/// database) is in <see cref="Variable"/>. Each test gets a database of its own.
/// </summary>
public static class TestPostgres
{
    public const string Variable = "VWB_TEST_POSTGRES";

    public static string AdminConnectionString => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value ? value
        : throw new InvalidOperationException($"{Variable} is not set: run the tests through scripts/test.sh, which starts a throwaway PostgreSQL and sets it");

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
