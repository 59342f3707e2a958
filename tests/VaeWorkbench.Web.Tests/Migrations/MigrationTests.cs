using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using VaeWorkbench.Web.Data;
using VaeWorkbench.Web.Options;
using VaeWorkbench.Web.Tests.Infrastructure;

namespace VaeWorkbench.Web.Tests.Migrations;

public sealed class MigrationTests
{
    /// <summary>Each provider's migrations are compared with the model on their own (no server is needed for that).</summary>
    [Theory]
    [InlineData(DatabaseProvider.Sqlite, "Data Source=unused.db")]
    [InlineData(DatabaseProvider.Postgres, "Host=127.0.0.1;Database=unused")]
    public async Task The_model_has_no_change_that_a_migration_does_not_cover(DatabaseProvider provider, string connection)
    {
        await using var db = WorkbenchDatabase.Open(provider, connection);
        Assert.False(db.Database.HasPendingModelChanges(),
            $"The EF model changed without a {provider} migration: run `dotnet ef migrations add <Name> --project src/VaeWorkbench.Web " +
            $"--context {provider}AppDbContext --output-dir Data/Migrations/{provider}` (and the same for the other provider).");
    }

    /// <summary>Catches a migration edited by hand into something other than what the model describes.</summary>
    [Fact]
    public async Task The_migrations_build_exactly_the_schema_the_model_describes()
    {
        var migrated = TempFile();
        var created = TempFile();
        try
        {
            await using (var db = NewContext(migrated)) await db.Database.MigrateAsync();
            await using (var db = NewContext(created)) await db.Database.EnsureCreatedAsync();
            Assert.Equal(await SqliteSchema.ReadAsync(created), await SqliteSchema.ReadAsync(migrated));
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            File.Delete(migrated);
            File.Delete(created);
        }
    }

    [Fact]
    public async Task Start_up_on_an_empty_data_folder_creates_the_schema_through_every_migration()
    {
        using var factory = new WorkbenchFactory();
        await factory.CreateClient().GetAsync("/healthz");

        var file = Path.Combine(factory.DataDirectory, "vaeworkbench.db");
        await using var db = NewContext(file);
        Assert.Equal(db.Database.GetMigrations(), await HistoryAsync(file));
        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        Assert.Contains("AspNetUsers column PasswordHash TEXT 0 0", await SqliteSchema.ReadAsync(file));
    }

    internal static async Task<List<string>> HistoryAsync(string file)
    {
        await using var connection = new SqliteConnection($"Data Source={file};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        return await SqliteSchema.ColumnAsync(connection, "SELECT MigrationId FROM __EFMigrationsHistory ORDER BY MigrationId");
    }

    private static AppDbContext NewContext(string file) => WorkbenchDatabase.Open(DatabaseProvider.Sqlite, $"Data Source={file};Pooling=False");

    private static string TempFile() => Path.Combine(Path.GetTempPath(), $"vwb-migrations-{Guid.NewGuid():N}.db");
}
