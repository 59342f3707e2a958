using System.Diagnostics;
using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using VaeWorkbench.Web.Data;
using VaeWorkbench.Web.Faults;
using VaeWorkbench.Web.Options;
using VaeWorkbench.Web.Storage;

namespace VaeWorkbench.Web.Backups;

/// <summary>A finished restore: where the data now is, what it came from, how long it took, and the storage check's report.</summary>
public sealed record RestoreResult(string DataDirectory, BackupManifest Manifest, TimeSpan Duration, ConsistencyReport Check);

/// <summary>
/// Restores a backup into the configured data folder, which must be empty, and proves it:
/// <list type="number">
/// <item>before anything is written, the manifest is read and every file it lists is checked (allowed path, present,
/// size, SHA-256; a blob's hash is also its name); any problem refuses the whole restore, naming the files;</item>
/// <item>the files are copied into a hidden folder beside the target, hashed again as they are copied;</item>
/// <item>the copied database must pass SQLite's integrity check and hold the row counts the manifest states; a backup from
/// an older schema is migrated there; then <see cref="StorageConsistencyCheck"/> must pass on it;</item>
/// <item>only then is the folder renamed into place. A refused or failed restore leaves the target as it was.</item>
/// </list>
/// </summary>
public sealed class BackupRestorer(IOptions<StorageOptions> storage, Failpoints faults, ILoggerFactory logs)
{
    private readonly ILogger _log = logs.CreateLogger<BackupRestorer>();

    public async Task<RestoreResult> RestoreAsync(string backupDirectory, CancellationToken ct = default)
    {
        var timer = Stopwatch.StartNew();
        backupDirectory = Path.GetFullPath(backupDirectory);
        var target = storage.Value.ResolveDataDirectory();
        RefuseUnlessEmpty(target);
        if (!Directory.Exists(backupDirectory)) throw new BackupException($"There is no backup at {backupDirectory}.");
        var manifest = BackupManifest.Read(backupDirectory);
        RefuseUnknownSchema(manifest);
        Verify(backupDirectory, manifest, ct);

        var parent = Path.GetDirectoryName(target)!;
        Directory.CreateDirectory(parent);
        var staging = Path.Combine(parent, $".{Path.GetFileName(target)}.restoring-{Guid.NewGuid():N}");
        try
        {
            var written = Copy(backupDirectory, staging, manifest, ct);
            var check = await ProveAsync(staging, manifest, ct);
            FileSystemSync.Flush(written);
            MoveIntoPlace(staging, target);
            _log.LogInformation("Restored {Backup} into {Target} in {Seconds:F1} s", backupDirectory, target, timer.Elapsed.TotalSeconds);
            return new RestoreResult(target, manifest, timer.Elapsed, check);
        }
        finally
        {
            BackupWriter.DeleteQuietly(staging);
        }
    }

    /// <summary>A restore never mixes with existing data: any file in the target (empty folders are fine) refuses it.</summary>
    private static void RefuseUnlessEmpty(string target)
    {
        if (!Directory.Exists(target)) return;
        var files = Directory.EnumerateFiles(target, "*", SearchOption.AllDirectories).Take(6).Select(f => Path.GetRelativePath(target, f)).ToList();
        if (files.Count > 0)
            throw new BackupException($"The data folder {target} is not empty (it holds {string.Join(", ", files.Take(5))}{(files.Count > 5 ? ", …" : "")}); restore only into an empty or new folder.");
    }

    private static void RefuseUnknownSchema(BackupManifest manifest)
    {
        using var db = BackupDatabase.OpenContext(":memory:");
        if (!db.Database.GetMigrations().Contains(manifest.SchemaMigration, StringComparer.Ordinal))
            throw new BackupException($"The backup's schema is {manifest.SchemaMigration}, which this version ({BackupWriter.AppVersion}) does not know: restore it with the version that wrote it ({manifest.AppVersion}) or a newer one.");
    }

    private static void Verify(string backup, BackupManifest manifest, CancellationToken ct)
    {
        var problems = new List<string>();
        if (!manifest.Files.Any(f => f.Path == manifest.DatabaseFile)) problems.Add($"{manifest.DatabaseFile}: the manifest does not list the database");
        foreach (var group in manifest.Files.GroupBy(f => f.Path).Where(g => g.Count() > 1)) problems.Add($"{group.Key}: listed {group.Count()} times");
        foreach (var file in manifest.Files)
        {
            var problem = Problem(backup, manifest, file, ct);
            if (problem is not null) problems.Add($"{file.Path}: {problem}");
        }
        if (problems.Count > 0)
            throw new BackupException($"The backup at {backup} is damaged; nothing was restored. {problems.Count} problems:{Environment.NewLine}  " +
                string.Join(Environment.NewLine + "  ", problems.Take(20)) + (problems.Count > 20 ? $"{Environment.NewLine}  …" : ""));
    }

    private static string? Problem(string backup, BackupManifest manifest, BackupFile file, CancellationToken ct)
    {
        if (!manifest.IsAllowedPath(file.Path)) return "not a path a backup holds";
        if (BackupManifest.BlobHash(file.Path) is { } name && name != file.Sha256) return "the manifest's checksum differs from the blob's name";
        var path = Path.Combine(backup, file.Path);
        if (!File.Exists(path)) return "missing";
        var length = new FileInfo(path).Length;
        if (length != file.Size) return $"{length} bytes, the manifest says {file.Size} (truncated or damaged)";
        ct.ThrowIfCancellationRequested();
        return BackupManifest.HashFile(path).Sha256 == file.Sha256 ? null : "its SHA-256 differs from the manifest's (damaged)";
    }

    /// <summary>Copies every listed file, hashing the bytes as they are written: a file changed since it was verified fails the restore.</summary>
    private List<string> Copy(string backup, string staging, BackupManifest manifest, CancellationToken ct)
    {
        var written = new List<string>();
        var buffer = new byte[1 << 16];
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var file in manifest.Files)
        {
            ct.ThrowIfCancellationRequested();
            var relative = file.Path == manifest.DatabaseFile ? storage.Value.DatabaseFile : file.Path;
            var target = Path.Combine(staging, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            using (var source = new FileStream(Path.Combine(backup, file.Path), FileMode.Open, FileAccess.Read, FileShare.Read, 0, FileOptions.SequentialScan))
            using (var copy = new FileStream(target, FileMode.CreateNew, FileAccess.Write, FileShare.None, 0))
            {
                int read;
                while ((read = source.Read(buffer)) > 0)
                {
                    hash.AppendData(buffer, 0, read);
                    copy.Write(buffer, 0, read);
                }
            }
            if (Convert.ToHexStringLower(hash.GetHashAndReset()) != file.Sha256)
                throw new BackupException($"{file.Path} changed while it was being restored; nothing was restored.");
            written.Add(target);
        }
        return written;
    }

    /// <summary>The restored copy must be a sound database holding what the manifest says, and agree with its files.</summary>
    private async Task<ConsistencyReport> ProveAsync(string staging, BackupManifest manifest, CancellationToken ct)
    {
        var options = Microsoft.Extensions.Options.Options.Create(new StorageOptions
        {
            DataDirectory = staging,
            DatabaseFile = storage.Value.DatabaseFile,
            BusyTimeoutMs = storage.Value.BusyTimeoutMs,
            OrphanGraceSeconds = storage.Value.OrphanGraceSeconds,
        });
        var database = options.Value.ResolveDatabasePath();
        if (await BackupDatabase.IntegrityProblemAsync(database, ct) is { } problem)
            throw new BackupException($"{manifest.DatabaseFile}: SQLite's integrity check fails ({problem}); nothing was restored.");
        var counts = await BackupDatabase.CountRowsAsync(database, ct);
        var differing = manifest.RowCounts.Keys.Union(counts.Keys).Order(StringComparer.Ordinal)
            .Where(t => manifest.RowCounts.GetValueOrDefault(t, -1) != counts.GetValueOrDefault(t, -1))
            .Select(t => $"{t} has {counts.GetValueOrDefault(t)} rows, the manifest says {manifest.RowCounts.GetValueOrDefault(t)}").ToList();
        if (differing.Count > 0)
            throw new BackupException($"{manifest.DatabaseFile} does not hold what the manifest says ({string.Join("; ", differing.Take(5))}); nothing was restored.");

        await using var db = BackupDatabase.OpenContext(database);
        // A backup from an older version: bring it to this version's schema here, so the check reads the tables it knows.
        await new DatabaseMigrator(db, logs.CreateLogger<DatabaseMigrator>()).MigrateAsync(ct);
        var blobs = new BlobStore(options, faults);
        var report = await new StorageConsistencyCheck(db, blobs, new StorageOrphans(db, blobs, new Datasets.ImportStaging(options, logs.CreateLogger<Datasets.ImportStaging>()), options, TimeProvider.System), options).CheckAsync(ct);
        if (!report.Ok)
            throw new BackupException($"The restored data fails the storage check; nothing was restored:{Environment.NewLine}  " + string.Join(Environment.NewLine + "  ", report.Problems.Take(20)));
        return report;
    }

    /// <summary>Replaces the empty target with the restored folder by one rename (removing only empty folders first).</summary>
    private static void MoveIntoPlace(string staging, string target)
    {
        if (Directory.Exists(target))
        {
            RefuseUnlessEmpty(target);
            foreach (var folder in Directory.EnumerateDirectories(target, "*", SearchOption.AllDirectories).OrderByDescending(d => d.Length))
                Directory.Delete(folder);
            Directory.Delete(target);
        }
        Directory.Move(staging, target);
    }
}
