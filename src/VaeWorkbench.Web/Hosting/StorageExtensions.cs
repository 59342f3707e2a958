using System.Data.Common;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Options;
using VaeWorkbench.Web.Data;
using VaeWorkbench.Web.Faults;
using VaeWorkbench.Web.Options;
using VaeWorkbench.Web.Storage;

namespace VaeWorkbench.Web.Hosting;

public static class StorageExtensions
{
    /// <summary>Data directory, SQLite through EF Core, and data-protection keys kept beside the database.</summary>
    public static IHostApplicationBuilder AddVaeStorage(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<StorageOptions>()
            .Bind(builder.Configuration.GetSection(StorageOptions.SectionName))
            .Validate(o => !string.IsNullOrWhiteSpace(o.DataDirectory), "Storage:DataDirectory must name a folder")
            .Validate(o => o.BusyTimeoutMs is >= 0 and <= 600_000, "Storage:BusyTimeoutMs must be between 0 and 600000")
            .Validate(o => o.OrphanGraceSeconds >= 0, "Storage:OrphanGraceSeconds must not be negative")
            .ValidateOnStart();
        // Inert unless a process-fault test arms a failpoint (see Failpoints).
        builder.Services.AddOptions<FaultOptions>().Bind(builder.Configuration.GetSection(FaultOptions.SectionName))
            .Validate(o => o.Hit >= 1, "Faults:Hit must be at least 1");
        builder.Services.AddSingleton<Failpoints>();

        var storage = builder.Configuration.GetSection(StorageOptions.SectionName).Get<StorageOptions>() ?? new StorageOptions();
        var dataDirectory = storage.ResolveDataDirectory();
        Directory.CreateDirectory(dataDirectory);

        builder.Services.AddSingleton<SqliteBusyTimeoutInterceptor>();
        builder.Services.AddDbContextFactory<AppDbContext>((services, options) =>
        {
            var resolved = services.GetRequiredService<IOptions<StorageOptions>>().Value;
            options.UseWorkbenchSqlite(resolved.ResolveDatabasePath(), pooling: true);
            options.AddInterceptors(services.GetRequiredService<SqliteBusyTimeoutInterceptor>());
        });

        builder.Services.AddDataProtection()
            .SetApplicationName("VaeWorkbench")
            .PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(dataDirectory, "keys")));

        builder.Services.AddScoped<DatabaseMigrator>();
        builder.Services.AddSingleton<BlobStore>();
        builder.Services.AddSingleton<Datasets.DatasetMemoryOptions>();
        builder.Services.AddScoped<StorageOrphans>();
        builder.Services.AddScoped<StorageConsistencyCheck>();
        builder.Services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database");
        builder.AddVaeReadinessChecks();
        return builder;
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
    /// Brings the database to this version's schema (see <see cref="DatabaseMigrator"/>). Runs once at start-up, before
    /// anything is served. Returns false, having logged why, when it could not: the caller exits without serving.
    /// </summary>
    public static async Task<bool> TryMigrateDatabaseAsync(this IServiceProvider services)
    {
        await using var scope = services.CreateAsyncScope();
        try
        {
            await scope.ServiceProvider.GetRequiredService<DatabaseMigrator>().MigrateAsync();
            return true;
        }
        catch (DatabaseMigrationException e)
        {
            scope.ServiceProvider.GetRequiredService<ILogger<DatabaseMigrator>>().LogCritical(e, "{Reason}", e.Message);
            return false;
        }
    }
}

/// <summary>Sets SQLite's busy timeout on every connection so concurrent writers wait for the lock instead of failing.</summary>
internal sealed class SqliteBusyTimeoutInterceptor(IOptions<StorageOptions> options) : DbConnectionInterceptor
{
    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Apply(connection);

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken ct = default)
    {
        Apply(connection);
        return Task.CompletedTask;
    }

    private void Apply(DbConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"PRAGMA busy_timeout={options.Value.BusyTimeoutMs}; PRAGMA foreign_keys=ON;";
        command.ExecuteNonQuery();
    }
}
