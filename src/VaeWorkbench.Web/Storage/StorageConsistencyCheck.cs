using System.Buffers.Binary;
using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using VaeWorkbench.Engine.IO;
using VaeWorkbench.Web.Data;
using VaeWorkbench.Web.Data.Entities;
using VaeWorkbench.Web.Options;

namespace VaeWorkbench.Web.Storage;

/// <summary>What the consistency check found: an empty <see cref="Problems"/> means the database and the files agree.</summary>
public sealed record ConsistencyReport(IReadOnlyList<string> Problems, int BlobsVerified, int CheckpointsVerified)
{
    public bool Ok => Problems.Count == 0;
}

/// <summary>
/// Checks that the database and the files agree: SQLite's integrity check passes; every blob a row refers to exists and
/// its bytes hash to its name; a Ready dataset has as many rows as its count and its tensor file says, and a dataset that
/// is not Ready has none; every running run that recorded an epoch has a checkpoint that loads and can resume; and no
/// orphan file older than the grace period is left (see <see cref="StorageOrphans"/>). Read-only.
/// Run it with <c>VaeWorkbench.Web check-storage</c>; the process-fault tests run it after every crash.
/// </summary>
public sealed class StorageConsistencyCheck(AppDbContext db, BlobStore blobs, StorageOrphans orphans, IOptions<StorageOptions> options)
{
    public async Task<ConsistencyReport> CheckAsync(CancellationToken ct = default)
    {
        var problems = new List<string>();
        await CheckSqliteAsync(problems, ct);
        var blobsVerified = await CheckBlobsAsync(problems, ct);
        await CheckDatasetsAsync(problems, ct);
        var checkpointsVerified = await CheckCheckpointsAsync(problems, ct);
        problems.AddRange((await orphans.FindAsync(ct)).Select(o => $"orphan {o.Kind}: {o.Path}"));
        return new ConsistencyReport(problems, blobsVerified, checkpointsVerified);
    }

    private async Task CheckSqliteAsync(List<string> problems, CancellationToken ct)
    {
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA integrity_check;";
            var lines = new List<string>();
            await using (var reader = await command.ExecuteReaderAsync(ct))
                while (await reader.ReadAsync(ct)) lines.Add(reader.GetString(0));
            if (lines is not ["ok"]) problems.Add("PRAGMA integrity_check: " + string.Join("; ", lines));
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private async Task<int> CheckBlobsAsync(List<string> problems, CancellationToken ct)
    {
        var referenced = await BlobReferences.All(db).Distinct().ToListAsync(ct);
        foreach (var hash in referenced)
        {
            if (!BlobStore.IsHash(hash)) problems.Add($"a row refers to '{hash}', which is not a blob hash");
            else if (!blobs.Exists(hash)) problems.Add($"blob {hash} is referenced but missing");
            else
            {
                // A synchronous read: tens of thousands of small blobs, and on Linux each asynchronous file read costs a thread-pool round trip.
                ct.ThrowIfCancellationRequested();
                using var stream = File.OpenRead(blobs.PathOf(hash));
                if (Convert.ToHexStringLower(SHA256.HashData(stream)) != hash) problems.Add($"blob {hash} does not hash to its name");
            }
        }
        return referenced.Count;
    }

    private async Task CheckDatasetsAsync(List<string> problems, CancellationToken ct)
    {
        var datasets = await db.Datasets.AsNoTracking()
            .Select(d => new { d.Id, d.Status, d.ImageCount, d.TensorHash, Rows = db.DatasetImages.Count(i => i.DatasetId == d.Id) })
            .ToListAsync(ct);
        foreach (var d in datasets)
        {
            if (d.Status != DatasetStatus.Ready)
            {
                if (d.Rows > 0) problems.Add($"dataset {d.Id} is {d.Status} but has {d.Rows} image rows");
                continue;
            }
            if (d.Rows != d.ImageCount) problems.Add($"dataset {d.Id} counts {d.ImageCount} images but has {d.Rows} rows");
            if (d.TensorHash is null || !blobs.Exists(d.TensorHash)) problems.Add($"Ready dataset {d.Id} has no tensor file");
            else if (TensorCount(d.TensorHash) != d.ImageCount) problems.Add($"dataset {d.Id}'s tensor file does not hold {d.ImageCount} images");
        }
    }

    private int TensorCount(string hash)
    {
        Span<byte> header = stackalloc byte[12];
        using var stream = blobs.OpenRead(hash);
        stream.ReadExactly(header);
        return BinaryPrimitives.ReadInt32LittleEndian(header[8..]);
    }

    private async Task<int> CheckCheckpointsAsync(List<string> problems, CancellationToken ct)
    {
        var directory = options.Value.ResolveCheckpointDirectory();
        var running = await db.TrainingRuns.AsNoTracking().Where(r => r.Status == RunStatus.Running).Select(r => new { r.Id, r.Epoch }).ToListAsync(ct);
        var verified = 0;
        foreach (var run in running)
        {
            var path = Path.Combine(directory, $"{run.Id:N}.vae");
            if (!File.Exists(path))
            {
                if (run.Epoch > 0) problems.Add($"run {run.Id} recorded epoch {run.Epoch} but has no checkpoint");
                continue;
            }
            try
            {
                var loaded = ModelFile.Load(path);
                if (!loaded.CanResume) problems.Add($"run {run.Id}'s checkpoint holds no training state");
                else if (loaded.History.Count < run.Epoch) problems.Add($"run {run.Id} recorded epoch {run.Epoch} but its checkpoint holds {loaded.History.Count}");
                verified++;
            }
            catch (InvalidModelFileException e)
            {
                problems.Add($"run {run.Id}'s checkpoint does not load: {e.Message}");
            }
        }
        return verified;
    }
}

/// <summary><c>VaeWorkbench.Web check-storage</c>: runs <see cref="StorageConsistencyCheck"/> on the configured data and exits 0 when it passes.</summary>
public static class StorageCheckCommand
{
    public const string Name = "check-storage";

    public static async Task<int> RunAsync(IServiceProvider services, TextWriter output)
    {
        await using var scope = services.CreateAsyncScope();
        var report = await scope.ServiceProvider.GetRequiredService<StorageConsistencyCheck>().CheckAsync();
        foreach (var problem in report.Problems) output.WriteLine("storage check: PROBLEM: " + problem);
        output.WriteLine(report.Ok
            ? $"storage check: ok ({report.BlobsVerified} blobs and {report.CheckpointsVerified} checkpoints verified)"
            : $"storage check: {report.Problems.Count} problems");
        return report.Ok ? 0 : 1;
    }
}
