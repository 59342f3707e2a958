using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Options;
using VaeWorkbench.Web.Hosting;
using VaeWorkbench.Web.Options;

namespace VaeWorkbench.Web.Data;

/// <summary>
/// Registers the context for the configured provider. Code asks for <see cref="IDbContextFactory{AppDbContext}"/> (or a
/// scoped <see cref="AppDbContext"/>) and never learns which provider serves it.
/// </summary>
public static class WorkbenchDatabase
{
    public static IServiceCollection AddWorkbenchDatabase(this IServiceCollection services, DatabaseOptions database)
    {
        services.AddSingleton(Microsoft.Extensions.Options.Options.Create(database));
        switch (database.Provider)
        {
            case DatabaseProvider.Postgres:
                services.AddDbContextFactory<PostgresAppDbContext>(options => options.UseWorkbenchPostgres(database.PostgresConnectionString!));
                services.AddProviderFactory<PostgresAppDbContext>();
                break;
            default:
                services.AddSingleton<SqliteBusyTimeoutInterceptor>();
                services.AddDbContextFactory<SqliteAppDbContext>((provider, options) =>
                {
                    var storage = provider.GetRequiredService<IOptions<StorageOptions>>().Value;
                    options.UseWorkbenchSqlite(storage.ResolveDatabasePath(), pooling: true);
                    options.AddInterceptors(provider.GetRequiredService<SqliteBusyTimeoutInterceptor>());
                });
                services.AddProviderFactory<SqliteAppDbContext>();
                break;
        }
        return services;
    }

    /// <summary>The app's SQLite settings for the database at <paramref name="databasePath"/> (the live one, or a backup's copy).</summary>
    public static DbContextOptionsBuilder UseWorkbenchSqlite(this DbContextOptionsBuilder options, string databasePath, bool pooling)
    {
        options.UseSqlite($"Data Source={databasePath};Pooling={pooling}");
        // SQLite table rebuilds turn foreign keys off outside the transaction; DatabaseMigrator copies the database
        // before it migrates and restores the copy on failure, so the warning has nothing left to tell.
        return options.ConfigureWarnings(w => w.Ignore(RelationalEventId.NonTransactionalMigrationOperationWarning));
    }

    /// <summary>
    /// The app's PostgreSQL settings: a command that fails transiently outside a transaction is retried with back-off
    /// (<see cref="RetryOutsideTransactionsStrategy"/>); a job whose transaction fails is retried by its queue.
    /// </summary>
    public static DbContextOptionsBuilder UseWorkbenchPostgres(this DbContextOptionsBuilder options, string connectionString) =>
        options.UseNpgsql(connectionString, npgsql => npgsql.ExecutionStrategy(d => new RetryOutsideTransactionsStrategy(d)));

    /// <summary>A context on the given provider outside the app's DI (the `vae` command, tests).</summary>
    public static AppDbContext Open(DatabaseProvider provider, string connection)
    {
        if (provider == DatabaseProvider.Postgres)
        {
            var postgres = new DbContextOptionsBuilder<PostgresAppDbContext>();
            postgres.UseWorkbenchPostgres(connection);
            return new PostgresAppDbContext(postgres.Options);
        }
        var sqlite = new DbContextOptionsBuilder<SqliteAppDbContext>();
        sqlite.UseSqlite(connection).ConfigureWarnings(w => w.Ignore(RelationalEventId.NonTransactionalMigrationOperationWarning));
        return new SqliteAppDbContext(sqlite.Options);
    }

    private static void AddProviderFactory<TContext>(this IServiceCollection services) where TContext : AppDbContext
    {
        services.AddSingleton<IDbContextFactory<AppDbContext>>(provider =>
            new ProviderContextFactory<TContext>(provider.GetRequiredService<IDbContextFactory<TContext>>()));
        services.AddScoped<AppDbContext>(provider => provider.GetRequiredService<TContext>());
    }

    private sealed class ProviderContextFactory<TContext>(IDbContextFactory<TContext> inner) : IDbContextFactory<AppDbContext>
        where TContext : AppDbContext
    {
        public AppDbContext CreateDbContext() => inner.CreateDbContext();

        public async Task<AppDbContext> CreateDbContextAsync(CancellationToken ct = default) => await inner.CreateDbContextAsync(ct);
    }
}
