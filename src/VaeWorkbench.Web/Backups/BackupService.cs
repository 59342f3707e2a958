using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using VaeWorkbench.Web.Options;

namespace VaeWorkbench.Web.Backups;

/// <summary>A finished backup in <see cref="BackupOptions.Directory"/>, as its manifest describes it.</summary>
public sealed record BackupListing(string Name, DateTimeOffset CreatedAt, long SizeBytes, int FileCount, string SchemaMigration);

/// <summary>What an administrator sees: the schedule, the last attempt and success, and the scheduled backups kept.</summary>
public sealed record BackupOverview(
    bool Scheduled, string? Directory, double IntervalHours, int Keep, BackupAttempt? LastAttempt, BackupAttempt? LastSuccess, IReadOnlyList<BackupListing> Backups);

/// <summary>
/// Backups as the server and the <c>backup</c> command run them: one code path that writes the backup
/// (<see cref="BackupWriter"/>) and records the attempt for the administrator (<see cref="BackupStatusStore"/>), plus the
/// scheduled variant, which names the backup by its time in <see cref="BackupOptions.Directory"/> and keeps only the
/// newest <see cref="BackupOptions.Keep"/>.
/// </summary>
public sealed partial class BackupService(BackupWriter writer, BackupStatusStore status, IOptions<BackupOptions> options, IOptions<DatabaseOptions> database,
    TimeProvider clock, ILogger<BackupService> log)
{
    public const string ScheduledTrigger = "schedule";
    public const string CommandTrigger = "command";

    public const string PostgresBackups =
        "Backups here cover the SQLite database; on PostgreSQL back up the database with pg_dump (pg_dump -Fc -f vaeworkbench.dump <database>) " +
        "and Storage:DataDirectory with your file-system tools.";

    public const string PostgresRestores =
        "A backup here holds a SQLite database; on PostgreSQL restore the database with pg_restore and Storage:DataDirectory with your " +
        "file-system tools. To bring such a backup onto PostgreSQL, restore it with Database:Provider Sqlite, then run vae db copy.";

    public BackupStatus Status() => status.Read();

    public BackupOverview Overview()
    {
        var (lastAttempt, lastSuccess) = status.Read();
        var o = options.Value;
        return new BackupOverview(o.Scheduled, o.ResolveDirectory(), o.IntervalHours, o.Keep, lastAttempt, lastSuccess, List());
    }

    /// <summary>Writes a backup into <paramref name="target"/> (a new folder) and records how it went; failures are rethrown.</summary>
    public async Task<BackupResult> BackUpAsync(string target, string trigger, CancellationToken ct = default)
    {
        // The backup copies the SQLite file with the blobs; a PostgreSQL database is backed up by its own tools.
        if (database.Value.Provider != DatabaseProvider.Sqlite)
            throw new BackupException(PostgresBackups);
        var started = clock.GetUtcNow();
        try
        {
            var result = await writer.WriteAsync(target, ct);
            status.Record(new BackupAttempt(trigger, result.Directory, started, clock.GetUtcNow(), true, result.Manifest.TotalBytes, result.Manifest.Files.Count, null));
            return result;
        }
        catch (Exception e)
        {
            status.Record(new BackupAttempt(trigger, Path.GetFullPath(target), started, clock.GetUtcNow(), false, null, null, e.Message));
            throw;
        }
    }

    /// <summary>A scheduled backup into <see cref="BackupOptions.Directory"/>, then the oldest beyond <see cref="BackupOptions.Keep"/> are deleted.</summary>
    public async Task<BackupResult> BackUpOnScheduleAsync(CancellationToken ct = default)
    {
        var directory = options.Value.ResolveDirectory() ?? throw new BackupException("Backup:Directory is not set.");
        var name = "backup-" + clock.GetUtcNow().UtcDateTime.ToString("yyyyMMdd'T'HHmmssfff'Z'", CultureInfo.InvariantCulture);
        var result = await BackUpAsync(Path.Combine(directory, name), ScheduledTrigger, ct);
        foreach (var old in Finished(directory).SkipLast(options.Value.Keep))
        {
            // Only after a success, so a failing schedule never eats the backups it failed to replace.
            BackupWriter.DeleteQuietly(old);
            log.LogInformation("Deleted the backup {Directory}: Backup:Keep is {Keep}", old, options.Value.Keep);
        }
        return result;
    }

    /// <summary>The scheduled backups present, oldest first.</summary>
    public IReadOnlyList<BackupListing> List()
    {
        var directory = options.Value.ResolveDirectory();
        if (directory is null) return [];
        var listed = new List<BackupListing>();
        foreach (var folder in Finished(directory))
        {
            try
            {
                var manifest = BackupManifest.Read(folder);
                listed.Add(new BackupListing(Path.GetFileName(folder), manifest.CreatedAt, manifest.TotalBytes, manifest.Files.Count, manifest.SchemaMigration));
            }
            catch (BackupException e)
            {
                log.LogWarning("Backup {Directory} is unreadable: {Reason}", folder, e.Message);
            }
        }
        return listed;
    }

    /// <summary>Scheduled backups that finished (renamed into place), oldest first; names sort by time.</summary>
    private static List<string> Finished(string directory) =>
        Directory.Exists(directory)
            ? [.. Directory.EnumerateDirectories(directory).Where(d => ScheduledName().IsMatch(Path.GetFileName(d))).Order(StringComparer.Ordinal)]
            : [];

    [GeneratedRegex(@"^backup-\d{8}T\d{9}Z$")]
    private static partial Regex ScheduledName();
}
