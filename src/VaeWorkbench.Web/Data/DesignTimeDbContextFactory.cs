using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace VaeWorkbench.Web.Data;

/// <summary>
/// How <c>dotnet ef migrations add</c> builds each provider's context without starting the app. A model change needs a
/// migration for both (MigrationTests fails until it has them):
/// <code>
/// dotnet ef migrations add Name --project src/VaeWorkbench.Web --context SqliteAppDbContext --output-dir Data/Migrations/Sqlite
/// dotnet ef migrations add Name --project src/VaeWorkbench.Web --context PostgresAppDbContext --output-dir Data/Migrations/Postgres
/// </code>
/// Neither connects to a database.
/// </summary>
internal sealed class SqliteDesignTimeDbContextFactory : IDesignTimeDbContextFactory<SqliteAppDbContext>
{
    public SqliteAppDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteAppDbContext>().UseSqlite("Data Source=design-time.db").Options);
}

internal sealed class PostgresDesignTimeDbContextFactory : IDesignTimeDbContextFactory<PostgresAppDbContext>
{
    public PostgresAppDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresAppDbContext>().UseNpgsql("Host=localhost;Database=design_time").Options);
}
