using System.Diagnostics;
using System.Reflection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using VaeWorkbench.Web.Data.Entities;
using VaeWorkbench.Web.Options;
using VaeWorkbench.Web.Storage;

namespace VaeWorkbench.Web.Backups;

/// <summary>A finished backup: where it is, its manifest, how long it took and how many blobs were hard-linked rather than copied.</summary>
public sealed record BackupResult(string Directory, BackupManifest Manifest, TimeSpan Duration, int LinkedBlobs);

/// <summary>
/// Writes a consistent backup of the configured data folder while the server keeps serving:
/// <list type="number">
/// <item>the database is copied with <c>VACUUM INTO</c> (a snapshot; writers are not blocked);</item>
/// <item>the blobs that the <em>copy</em> refers to (<see cref="BlobReferences"/> queried on the copy) are hard-linked
/// or copied, each checked against its hash; the data-protection keys and the checkpoints of runs the copy shows
/// running are copied, so sign-ins, tokens and running trainings carry on after a restore;</item>
/// <item>everything is flushed, <c>manifest.json</c> lists every file with its size and SHA-256, and the folder, written
/// under a hidden temporary name beside the target, is renamed into place: a half-written backup never looks finished.</item>
/// </list>
/// A file the copy refers to can vanish between the snapshot and its copy (a deleted dataset purged, a run finishing and
/// dropping its checkpoint); the backup then starts again from a fresh snapshot, a few times at most.
/// </summary>
public sealed class BackupWriter(IOptions<StorageOptions> storage, ILogger<BackupWriter> log)
{
    private const int MaxAttempts = 3;

    public static string AppVersion { get; } =
        typeof(BackupWriter).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    public async Task<BackupResult> WriteAsync(string target, CancellationToken ct = default)
    {
        target = Path.GetFullPath(target);
        var data = storage.Value.ResolveDataDirectory();
        if (Directory.Exists(target) || File.Exists(target)) throw new BackupException($"{target} already exists; a backup goes into a new folder.");
        if (IsInside(target, data)) throw new BackupException($"{target} is inside the data folder {data}; put backups elsewhere.");
        if (!File.Exists(storage.Value.ResolveDatabasePath())) throw new BackupException($"There is no database at {storage.Value.ResolveDatabasePath()} to back up.");
        var parent = Path.GetDirectoryName(target)!;
        Directory.CreateDirectory(parent);
        var timer = Stopwatch.StartNew();
        for (var attempt = 1; ; attempt++)
        {
            var staging = Path.Combine(parent, $".{Path.GetFileName(target)}.partial-{Guid.NewGuid():N}");
            try
            {
                var (manifest, linked) = await WriteIntoAsync(staging, ct);
                Directory.Move(staging, target);
                log.LogInformation("Backup written to {Directory}: {Files} files, {Bytes} bytes, in {Seconds:F1} s",
                    target, manifest.Files.Count, manifest.TotalBytes, timer.Elapsed.TotalSeconds);
                return new BackupResult(target, manifest, timer.Elapsed, linked);
            }
            catch (SourceChangedException e) when (attempt < MaxAttempts)
            {
                log.LogInformation("Backup attempt {Attempt}: {Reason}; starting again from a fresh copy of the database", attempt, e.Message);
                DeleteQuietly(staging);
            }
            catch (SourceChangedException e)
            {
                DeleteQuietly(staging);
                throw new BackupException($"{e.Message}, on each of {MaxAttempts} attempts. Run check-storage on the data folder.");
            }
            catch
            {
                DeleteQuietly(staging);
                throw;
            }
        }
    }

    public static bool IsInside(string path, string folder) =>
        (Path.GetFullPath(path) + Path.DirectorySeparatorChar).StartsWith(Path.GetFullPath(folder).TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    private async Task<(BackupManifest Manifest, int Linked)> WriteIntoAsync(string staging, CancellationToken ct)
    {
        var options = storage.Value;
        var data = options.ResolveDataDirectory();
        Directory.CreateDirectory(staging);
        var databaseCopy = Path.Combine(staging, options.DatabaseFile);
        var createdAt = DateTimeOffset.UtcNow;
        await BackupDatabase.CopyLiveAsync(options.ResolveDatabasePath(), databaseCopy, options.BusyTimeoutMs, ct);

        string schema;
        List<string> blobs;
        List<(Guid Id, int Epoch)> running;
        await using (var copy = BackupDatabase.OpenContext(databaseCopy))
        {
            schema = (await copy.Database.GetAppliedMigrationsAsync(ct)).LastOrDefault()
                ?? throw new BackupException("The database has no schema migration recorded; start the server once before backing it up.");
            blobs = await BlobReferences.All(copy).Distinct().ToListAsync(ct);
            running = (await copy.TrainingRuns.AsNoTracking().Where(r => r.Status == RunStatus.Running).Select(r => new { r.Id, r.Epoch }).ToListAsync(ct))
                .Select(r => (r.Id, r.Epoch)).ToList();
        }
        var rowCounts = await BackupDatabase.CountRowsAsync(databaseCopy, ct);

        var files = new List<BackupFile>();
        var linked = CopyBlobs(data, staging, blobs, files, ct);
        CopyFolder(Path.Combine(data, "keys"), staging, "keys", files);
        CopyCheckpoints(options.ResolveCheckpointDirectory(), staging, running, files);
        var (size, sha) = BackupManifest.HashFile(databaseCopy);
        files.Insert(0, new BackupFile(options.DatabaseFile, size, sha));

        var manifest = new BackupManifest(BackupManifest.CurrentFormat, AppVersion, schema, createdAt, options.DatabaseFile, rowCounts, files);
        var manifestPath = Path.Combine(staging, BackupManifest.FileName);
        manifest.Write(manifestPath);
        FileSystemSync.Flush([manifestPath, databaseCopy, .. files.Skip(1).Select(f => Path.Combine(staging, f.Path))]);
        return (manifest, linked);
    }

    /// <summary>Links (or copies) each blob and checks that its bytes still hash to its name, so a damaged blob is never backed up as good.</summary>
    private static int CopyBlobs(string data, string staging, List<string> hashes, List<BackupFile> files, CancellationToken ct)
    {
        var linked = 0;
        var missing = new List<string>();
        foreach (var hash in hashes)
        {
            ct.ThrowIfCancellationRequested();
            if (!BlobStore.IsHash(hash)) throw new BackupException($"The database refers to a blob named '{hash}', which is not a SHA-256; run check-storage.");
            var relative = $"blobs/{hash[..2]}/{hash}";
            var source = Path.Combine(data, relative);
            var copy = Path.Combine(staging, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
            try
            {
                if (HardLink.TryCreate(source, copy)) linked++;
                else File.Copy(source, copy);
            }
            catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
            {
                missing.Add(relative);
                continue;
            }
            var (size, sha) = BackupManifest.HashFile(copy);
            if (sha != hash) throw new BackupException($"{source} does not hash to its name: the data folder is damaged. Run check-storage.");
            files.Add(new BackupFile(relative, size, sha));
        }
        if (missing.Count > 0)
            throw new SourceChangedException($"{missing.Count} blobs the database refers to are not in the data folder ({string.Join(", ", missing.Take(3))})");
        return linked;
    }

    private static void CopyCheckpoints(string checkpoints, string staging, List<(Guid Id, int Epoch)> running, List<BackupFile> files)
    {
        foreach (var (id, epoch) in running)
        {
            var relative = $"checkpoints/{id:N}.vae";
            // Copied, not linked: a checkpoint is replaced by rename, and an open copy reads the version it opened whole.
            if (TryCopy(Path.Combine(checkpoints, $"{id:N}.vae"), staging, relative, files)) continue;
            // A run that has recorded an epoch must have its checkpoint; without one it has ended since the snapshot.
            if (epoch > 0) throw new SourceChangedException($"run {id} was running at epoch {epoch} but its checkpoint is gone");
        }
    }

    private static void CopyFolder(string folder, string staging, string relativeFolder, List<BackupFile> files)
    {
        if (!Directory.Exists(folder)) return;
        foreach (var file in Directory.EnumerateFiles(folder).Order(StringComparer.Ordinal))
            TryCopy(file, staging, $"{relativeFolder}/{Path.GetFileName(file)}", files);
    }

    private static bool TryCopy(string source, string staging, string relative, List<BackupFile> files)
    {
        var copy = Path.Combine(staging, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
        try
        {
            File.Copy(source, copy);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return false;
        }
        var (size, sha) = BackupManifest.HashFile(copy);
        files.Add(new BackupFile(relative, size, sha));
        return true;
    }

    internal static void DeleteQuietly(string folder)
    {
        try
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort: a hidden, unfinished folder is never taken for a backup.
        }
    }

    /// <summary>A file the database copy refers to disappeared from the live data folder after the snapshot.</summary>
    private sealed class SourceChangedException(string message) : Exception(message);
}
