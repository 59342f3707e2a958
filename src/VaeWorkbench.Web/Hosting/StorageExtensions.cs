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
            options.UseSqlite($"Data Source={resolved.ResolveDatabasePath()};Pooling=True");
            options.AddInterceptors(services.GetRequiredService<SqliteBusyTimeoutInterceptor>());
            // Migrations are written by hand (the EF design-time package is not obtainable here), so there is no model
            // snapshot to compare with; MigrationSchemaTests checks instead that the migrated schema equals the model.
            options.ConfigureWarnings(w => w.Ignore(RelationalEventId.PendingModelChangesWarning));
        });

        builder.Services.AddDataProtection()
            .SetApplicationName("VaeWorkbench")
            .PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(dataDirectory, "keys")));

        builder.Services.AddSingleton<BlobStore>();
        builder.Services.AddScoped<StorageOrphans>();
        builder.Services.AddScoped<StorageConsistencyCheck>();
        builder.Services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database");
        return builder;
    }

    /// <summary>Applies pending migrations and switches the database to WAL. Runs once at start-up, before requests.</summary>
    public static async Task MigrateDatabaseAsync(this IServiceProvider services)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        // WAL lets readers proceed while a writer commits; it is a property of the file, so setting it once persists.
        await db.Database.OpenConnectionAsync();
        await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;");
        await db.Database.MigrateAsync();
        await db.Database.CloseConnectionAsync();
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
