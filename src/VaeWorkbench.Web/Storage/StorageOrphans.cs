using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using VaeWorkbench.Engine.IO;
using VaeWorkbench.Web.Data;
using VaeWorkbench.Web.Data.Entities;
using VaeWorkbench.Web.Options;

namespace VaeWorkbench.Web.Storage;

/// <summary>A file under the data directory that nothing refers to, and what kind of leftover it is.</summary>
public sealed record OrphanFile(string Path, string Kind);

/// <summary>
/// Finds files a crash can leave behind: temporary files (uploads being received, files not yet renamed into place),
/// blobs no row refers to (stored by an import or a job that died before its commit) and checkpoints of runs that are not
/// running. Only files older than <see cref="StorageOptions.OrphanGraceSeconds"/> count, because a younger one may be
/// work in progress of another server on the same data. Start-up cleanup deletes them; the consistency check reports them.
/// </summary>
public sealed class StorageOrphans(AppDbContext db, BlobStore blobs, Datasets.ImportStaging staging, IOptions<StorageOptions> options, TimeProvider clock)
{
    public async Task<List<OrphanFile>> FindAsync(CancellationToken ct = default)
    {
        var cutoff = clock.GetUtcNow().UtcDateTime.AddSeconds(-Math.Max(0, options.Value.OrphanGraceSeconds));
        var found = new List<OrphanFile>();
        foreach (var file in Files(blobs.TempDirectory, "*")) found.Add(new OrphanFile(file.FullName, "temporary file"));

        var referenced = (await BlobReferences.All(db).Distinct().ToListAsync(ct)).ToHashSet(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateDirectories(blobs.RootDirectory).SelectMany(d => Files(d, "*")))
        {
            if (!BlobStore.IsHash(file.Name)) found.Add(new OrphanFile(file.FullName, "stray file in the blob store"));
            else if (!referenced.Contains(file.Name)) found.Add(new OrphanFile(file.FullName, "blob no row refers to"));
        }

        var checkpoints = options.Value.ResolveCheckpointDirectory();
        var running = (await db.TrainingRuns.Where(r => r.Status == RunStatus.Running).Select(r => r.Id).ToListAsync(ct)).ToHashSet();
        foreach (var file in Files(checkpoints, "*"))
        {
            if (file.Name.EndsWith(ModelFile.TemporarySuffix, StringComparison.Ordinal)) found.Add(new OrphanFile(file.FullName, "checkpoint never renamed into place"));
            else if (CheckpointRun(file.Name) is not { } run || !running.Contains(run)) found.Add(new OrphanFile(file.FullName, "checkpoint of a run that is not running"));
        }
        // Shards are a cache of a dataset's tensor: those of a tensor no row refers to any more, and scratch folders a
        // crash left before their rename, go (their folders stay, empty, and are reused if the tensor comes back).
        var shards = options.Value.ResolveShardDirectory();
        foreach (var folder in Directory.Exists(shards) ? new DirectoryInfo(shards).EnumerateDirectories() : [])
        {
            var kind = !BlobStore.IsHash(folder.Name) ? "shard folder never renamed into place"
                : !referenced.Contains(folder.Name) ? "shard of a dataset no row refers to" : null;
            if (kind is not null) found.AddRange(folder.EnumerateFiles().Select(f => new OrphanFile(f.FullName, kind)));
        }
        // Staged uploads wait for their import (Queued) or are read by it (Importing); any other folder's import has ended.
        var waiting = (await db.Datasets.Where(d => d.Status == DatasetStatus.Queued || d.Status == DatasetStatus.Importing)
            .Select(d => d.Id).ToListAsync(ct)).ToHashSet();
        foreach (var folder in Directory.Exists(staging.Root) ? new DirectoryInfo(staging.Root).EnumerateDirectories() : [])
        {
            if (Guid.TryParseExact(folder.Name, "N", out var id) && waiting.Contains(id)) continue;
            found.AddRange(folder.EnumerateFiles().Select(f => new OrphanFile(f.FullName, "staged upload of an import that has ended")));
        }
        return [.. found.Where(f => File.GetLastWriteTimeUtc(f.Path) < cutoff)];
    }

    /// <summary>The run a checkpoint file belongs to (its name is the run id), or null for any other name.</summary>
    public static Guid? CheckpointRun(string fileName) =>
        fileName.EndsWith(".vae", StringComparison.Ordinal) && Guid.TryParseExact(fileName[..^4], "N", out var id) ? id : null;

    private static IEnumerable<FileInfo> Files(string directory, string pattern) =>
        Directory.Exists(directory) ? new DirectoryInfo(directory).EnumerateFiles(pattern) : [];
}
