using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using VaeWorkbench.Web.Api;
using VaeWorkbench.Web.Cluster;
using VaeWorkbench.Web.Identity;
using VaeWorkbench.Web.Options;
using VaeWorkbench.Web.Teams;

namespace VaeWorkbench.Web.Backups;

public static class BackupsExtensions
{
    /// <summary>
    /// Backup and restore (the commands and the schedule), server administrators, and the backup health check. Backups
    /// cover the SQLite database: on PostgreSQL a schedule is refused at start-up, naming pg_dump.
    /// </summary>
    public static IHostApplicationBuilder AddVaeBackups(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<BackupOptions>()
            .Bind(builder.Configuration.GetSection(BackupOptions.SectionName))
            .Validate(o => o.IntervalHours is >= 0 and <= 24 * 366, "Backup:IntervalHours must be between 0 (off) and 8784")
            .Validate(o => o.Keep >= 1, "Backup:Keep must be at least 1")
            .Validate(o => !o.Scheduled || o.ResolveDirectory() is not null, "Backup:Directory must be set when Backup:IntervalHours is above 0")
            .Validate<IOptions<StorageOptions>>((o, storage) => o.ResolveDirectory() is not { } directory || !BackupWriter.IsInside(directory, storage.Value.ResolveDataDirectory()),
                "Backup:Directory must lie outside Storage:DataDirectory")
            .Validate<IOptions<DatabaseOptions>>((o, database) => !o.Scheduled || database.Value.Provider == DatabaseProvider.Sqlite,
                "Backup:IntervalHours must be 0 when Database:Provider is Postgres: " + BackupService.PostgresBackups)
            .ValidateOnStart();
        builder.Services.AddOptions<AdminOptions>().Bind(builder.Configuration.GetSection(AdminOptions.SectionName))
            .Validate(o => o.Emails.All(e => e.Contains('@', StringComparison.Ordinal)), "Admin:Emails must hold e-mail addresses")
            .ValidateOnStart();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddSingleton<BackupStatusStore>();
        builder.Services.AddSingleton<BackupWriter>();
        builder.Services.AddSingleton<BackupService>();
        builder.Services.AddSingleton<BackupRestorer>();
        builder.Services.AddSingleton<ServerAdministrators>();
        // Backups are the web side's business: a worker (which may run without the UI's settings) never schedules one.
        if (NodeOptions.Read(builder.Configuration) is not NodeRole.Worker) builder.Services.AddHostedService<BackupScheduler>();
        builder.Services.AddHealthChecks().AddCheck<BackupHealthCheck>("backup");
        return builder;
    }

    /// <summary><c>GET /api/admin/backups</c>: the backup overview, for server administrators only (403 for everyone else).</summary>
    public static WebApplication MapVaeBackups(this WebApplication app)
    {
        var admin = app.MapGroup("/api/admin").AddEndpointFilter<CookieAntiforgeryFilter>().WithTags("Admin").RequireAuthorization();
        admin.MapGet("/backups", async Task<Ok<BackupOverview>> (HttpContext http, ServerAdministrators administrators, BackupService backups, CancellationToken ct) =>
        {
            if (!await administrators.IsAdministratorAsync(http.User.UserId(), ct))
                throw AccessDeniedException.Forbidden("Only a server administrator may see backups.");
            return TypedResults.Ok(backups.Overview());
        }).WithSummary("Scheduled backups: the schedule, the last backup's time, size and result, and the backups kept (server administrators only).");
        return app;
    }
}
