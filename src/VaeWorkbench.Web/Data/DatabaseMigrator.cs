using System.Diagnostics;
using System.Reflection;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace VaeWorkbench.Web.Data;

/// <summary>The database could not be brought to this version's schema; it was left as it was.</summary>
public sealed class DatabaseMigrationException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Brings the database to this version's schema at start-up, before anything is served.
/// <list type="bullet">
/// <item>A database written before EF Core migrations (its history lists the SQL-file migrations of November 2026) is
/// baselined: its schema is exactly <c>Baseline</c>'s, so the history is rewritten to say so, and the EF migrations
/// after it upgrade it in place.</item>
/// <item>SQLite cannot run every schema change inside a transaction (a table rebuild turns foreign keys off), so the
/// database is copied first (<c>VACUUM INTO</c>) and copied back through SQLite's backup API if anything fails:
/// a failed upgrade leaves the database exactly as it was.</item>
/// <item>Two processes starting at once do not both migrate: EF Core's migration lock serialises <c>Migrate</c>, and
/// the baseline step is idempotent.</item>
/// <item>PostgreSQL needs none of that: its migrations run in transactions (a failed one leaves nothing behind), and
/// there is no pre-EF history to baseline. <c>Migrate</c> creates the database if the server has none of that name.</item>
/// </list>
/// </summary>
public sealed class DatabaseMigrator(AppDbContext db, ILogger<DatabaseMigrator> log)
{
    public const string BaselineMigration = "20261206205117_Baseline";

    /// <summary>The SQL-file migrations that Baseline stands for, all applied by every release before it.</summary>
    public static readonly IReadOnlyList<string> LegacyScriptMigrations =
    [
        "20261122000100_Initial", "20261122010000_Workbench", "20261122020000_Inspection", "20261122030000_Augmentation",
        "20261122040000_Registry", "20261122050000_LatentSelection", "20261122050500_RunSubmissions", "20261122060000_ImportLease",
    ];

    public async Task MigrateAsync(CancellationToken ct = default)
    {
        var timer = Stopwatch.StartNew();
        if (!db.Database.IsSqlite())
        {
            await MigrateServerDatabaseAsync(timer, ct);
            return;
        }
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            // WAL lets readers proceed while a writer commits; it is a property of the file, so setting it once persists.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct);
            var legacy = await LegacyHistoryAsync(ct);
            var pending = (await db.Database.GetPendingMigrationsAsync(ct)).ToList();
            if (pending.Count == 0) return;

            var backup = await CopyAsync(ct);
            try
            {
                if (legacy.Count > 0) await BaselineAsync(legacy, ct);
                await db.Database.MigrateAsync(ct);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                await RestoreAsync(backup);
                throw new DatabaseMigrationException(
                    $"The database could not be upgraded to this version ({pending[^1]}), and was left as it was: {e.Message}", e);
            }
            finally
            {
                DeleteCopy(backup);
            }
            // Another process may have applied some of them while this one waited for the lock; EF logs each it applies.
            log.LogInformation("Database schema is at {Migration} ({Milliseconds} ms)", pending[^1], timer.ElapsedMilliseconds);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private async Task MigrateServerDatabaseAsync(Stopwatch timer, CancellationToken ct)
    {
        var pending = (await db.Database.GetPendingMigrationsAsync(ct)).ToList();
        if (pending.Count == 0) return;
        try
        {
            await db.Database.MigrateAsync(ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new DatabaseMigrationException(
                $"The database could not be upgraded to this version ({pending[^1]}); every migration runs in a transaction, so the failed one left nothing behind: {e.Message}", e);
        }
        log.LogInformation("Database schema is at {Migration} ({Milliseconds} ms)", pending[^1], timer.ElapsedMilliseconds);
    }

    /// <summary>The legacy migration ids in the history; refuses a history that has only some of them.</summary>
    private async Task<List<string>> LegacyHistoryAsync(CancellationToken ct)
    {
        var applied = (await db.Database.GetAppliedMigrationsAsync(ct)).ToHashSet(StringComparer.Ordinal);
        var legacy = LegacyScriptMigrations.Where(applied.Contains).ToList();
        if (legacy.Count > 0 && legacy.Count < LegacyScriptMigrations.Count)
            throw new DatabaseMigrationException(
                $"The database's schema history is incomplete: it lacks {string.Join(", ", LegacyScriptMigrations.Except(legacy))}. " +
                "It was not written by a released version of VaeWorkbench, so it is not upgraded.");
        return legacy;
    }

    private async Task BaselineAsync(List<string> legacy, CancellationToken ct)
    {
        var efVersion = typeof(DbContext).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion.Split('+')[0];
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        foreach (var id in legacy)
            await db.Database.ExecuteSqlRawAsync("DELETE FROM \"__EFMigrationsHistory\" WHERE \"MigrationId\" = {0};", [id], ct);
        // OR IGNORE: a second process that read the same legacy history finds the baseline already written.
        await db.Database.ExecuteSqlRawAsync(
            "INSERT OR IGNORE INTO \"__EFMigrationsHistory\" (\"MigrationId\", \"ProductVersion\") VALUES ({0}, {1});",
            [BaselineMigration, efVersion], ct);
        await transaction.CommitAsync(ct);
        log.LogInformation("Database written before EF Core migrations: baselined to {Baseline}", BaselineMigration);
    }

    private async Task<string> CopyAsync(CancellationToken ct)
    {
        var path = Path.Combine(Path.GetTempPath(), $"vaeworkbench-premigration-{Guid.NewGuid():N}.db");
        await db.Database.ExecuteSqlRawAsync("VACUUM INTO {0};", [path], ct);
        return path;
    }

    private async Task RestoreAsync(string copy)
    {
        var target = (SqliteConnection)db.Database.GetDbConnection();
        await using var source = new SqliteConnection($"Data Source={copy};Mode=ReadOnly;Pooling=False");
        await source.OpenAsync();
        // The backup API replaces every page of the target in one step, whatever state the failed migration left.
        source.BackupDatabase(target);
        log.LogWarning("Database upgrade failed; the database was restored to its state before the upgrade");
    }

    private static void DeleteCopy(string copy)
    {
        SqliteConnection.ClearAllPools();
        File.Delete(copy);
    }
}
