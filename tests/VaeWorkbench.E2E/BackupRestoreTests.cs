using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using VaeWorkbench.E2E.Infrastructure;
using static VaeWorkbench.E2E.Infrastructure.FaultSettings;

namespace VaeWorkbench.E2E;

/// <summary>
/// Backup and restore on real processes: `backup --out` runs beside a serving server while a training run writes
/// checkpoints and an upload is streaming; `restore --from` rebuilds a fresh data folder; a server started on it has
/// every user, token, dataset, run, model, registry version, score, review, augmented set and audit row, with the same bytes.
/// </summary>
public sealed class BackupRestoreTests : IDisposable
{
    private const string FashionDirectory = "/usr/share/datasets/fashion-mnist";
    private readonly string _root = Path.Combine(Path.GetTempPath(), "vwb-e2e-backup-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task A_backup_taken_while_training_and_uploading_restores_every_committed_object_with_the_same_bytes()
    {
        var settings = Base();
        settings["Training:DefaultThreads"] = "1";
        var backup = Path.Combine(_root, "backup");
        var restoredData = Path.Combine(_root, "restored");
        await using var server = await AppServer.StartAsync(settings);
        using var owner = await ApiSession.RegisterAsync(server.BaseUrl, "owner@example.test");
        using var viewer = await ApiSession.RegisterAsync(server.BaseUrl, "viewer@example.test");
        var committed = await CommitEverythingAsync(owner);
        var before = await SnapshotAsync(owner, committed);

        // In flight while the backup runs: a long training run that checkpoints every epoch, and an upload held part-way.
        var longRun = await StartRunAsync(owner, committed.DatasetId, epochs: 500, batch: 128, seed: 9);
        await WaitForRunAsync(owner, longRun, r => r.GetProperty("epoch").GetInt32() >= 1, "the long run's first epoch");
        var release = new TaskCompletionSource();
        var upload = owner.PostDatasetAsync("uploading during the backup",
            ("t10k-images-idx3-ubyte.gz", new GatedStream(File.OpenRead(Path.Combine(FashionDirectory, "t10k-images-idx3-ubyte.gz")), 64 * 1024, release.Task)),
            ("t10k-labels-idx1-ubyte.gz", File.OpenRead(Path.Combine(FashionDirectory, "t10k-labels-idx1-ubyte.gz"))));

        var (backupExit, backupOutput) = await AppServer.RunToExitAsync(server.DataDirectory, settings, "backup", "--out", backup);

        Assert.True(backupExit == 0, $"backup failed (exit {backupExit}):\n{backupOutput}");
        Assert.Equal("Running", (await owner.GetJsonAsync($"/api/runs/{longRun}")).GetProperty("status").GetString());
        Assert.False(upload.IsCompleted, "the upload finished before the backup; it was not under way");
        release.SetResult();
        await owner.SendAsync(await upload, HttpStatusCode.Created);
        var liveModelFile = await owner.Client.GetByteArrayAsync($"/api/models/{committed.ModelId}/file");
        await owner.Client.PostAsync($"/api/runs/{longRun}/cancel", null);

        var (restoreExit, restoreOutput) = await AppServer.RunToExitAsync(restoredData, settings, "restore", "--from", backup);
        Assert.True(restoreExit == 0 && restoreOutput.Contains("storage check: ok", StringComparison.Ordinal), $"restore failed (exit {restoreExit}):\n{restoreOutput}");

        await using var restored = await AppServer.StartAsync(settings, restoredData);
        // The old token works: the data-protection keys and the token rows came back.
        using var sameToken = new HttpClient { BaseAddress = new Uri(restored.BaseUrl) };
        sameToken.DefaultRequestHeaders.Authorization = owner.Client.DefaultRequestHeaders.Authorization;
        await ApiSession.Expect(await sameToken.GetAsync("/api/me"), HttpStatusCode.OK);
        using var ownerAgain = await ApiSession.SignInAsync(restored.BaseUrl, "owner@example.test");
        using var viewerAgain = await ApiSession.SignInAsync(restored.BaseUrl, "viewer@example.test");
        var after = await SnapshotAsync(ownerAgain, committed);

        Assert.Equal(before.Datasets, after.Datasets);
        Assert.Equal(before.Run, after.Run);
        Assert.Equal(before.Registry, after.Registry);
        Assert.Equal(before.Augmented, after.Augmented);
        Assert.Equal(before.Reviews, after.Reviews);
        Assert.Equal(liveModelFile, after.ModelFile);
        Assert.Equal(before.RegistryFile, after.RegistryFile);
        var restoredAudit = after.AuditIds.ToHashSet();
        Assert.All(before.AuditIds, id => Assert.Contains(id, restoredAudit));
        // The run that was training comes back running, and resumes from the checkpoint the backup carried.
        Assert.Equal("Running", (await ownerAgain.GetJsonAsync($"/api/runs/{longRun}")).GetProperty("status").GetString());
        await restored.WaitForOutputAsync($"Run {longRun}: resuming from the checkpoint");
        await ownerAgain.Client.PostAsync($"/api/runs/{longRun}/cancel", null);
        await AssertStorageConsistentAsync(restoredData);
    }

    private sealed record Committed(Guid TeamId, Guid DatasetId, Guid RunId, Guid ModelId, Guid ScoreJobId, Guid AugmentedId);

    private sealed record Snapshot(string Datasets, string Run, string Registry, string Augmented, string Reviews, byte[] ModelFile, byte[] RegistryFile, List<long> AuditIds);

    /// <summary>One of each kind of object, committed before the backup starts.</summary>
    private static async Task<Committed> CommitEverythingAsync(ApiSession owner)
    {
        var teamId = (await owner.GetJsonAsync("/api/me")).GetProperty("currentTeamId").GetGuid();
        var datasetId = await owner.UploadFashionMnistAsync("fashion");
        var runId = await StartRunAsync(owner, datasetId, epochs: 1, batch: 128, seed: 3);
        var run = await WaitForRunAsync(owner, runId, Ended, "the first run to end");
        Assert.Equal("Succeeded", run.GetProperty("status").GetString());
        var modelId = run.GetProperty("modelId").GetGuid();
        await owner.SendAsync(await owner.Client.PostAsJsonAsync("/api/registry", new { runId, name = "fashion-vae", tags = new[] { "backup" } }), HttpStatusCode.Created);

        var scoring = await owner.SendAsync(await owner.Client.PostAsJsonAsync($"/api/models/{modelId}/scores", new { datasetId, method = "recon" }), HttpStatusCode.Accepted);
        var jobId = scoring.GetProperty("jobId").GetGuid();
        var job = await WaitForJsonAsync(owner, $"/api/scores/{jobId}", j => j.GetProperty("status").GetString() is "Succeeded" or "Failed", "the score job");
        var imageId = job.GetProperty("items")[0].GetProperty("imageId").GetInt64();
        await ApiSession.Expect(await owner.Client.PostAsJsonAsync("/api/reviews", new { imageId, scoreJobId = jobId, decision = "Anomaly" }), HttpStatusCode.OK);

        var generating = await owner.SendAsync(await owner.Client.PostAsJsonAsync($"/api/models/{modelId}/generate", new { mode = "prior", count = 8, seed = 1 }), HttpStatusCode.Accepted);
        var augmentedId = generating.GetProperty("augmentedId").GetGuid();
        await WaitForJsonAsync(owner, $"/api/augmented/{augmentedId}", a => a.GetProperty("status").GetString() is "Succeeded" or "Failed", "the augmented set");
        return new Committed(teamId, datasetId, runId, modelId, jobId, augmentedId);
    }

    private static async Task<Snapshot> SnapshotAsync(ApiSession api, Committed c)
    {
        var datasets = (await api.GetJsonAsync($"/api/datasets?teamId={c.TeamId}")).EnumerateArray()
            .Where(d => d.GetProperty("id").GetGuid() == c.DatasetId).Select(d => d.GetRawText()).Single();
        var audit = (await api.GetJsonAsync($"/api/teams/{c.TeamId}/audit?take=1000")).EnumerateArray().Select(e => e.GetProperty("id").GetInt64()).ToList();
        return new Snapshot(
            datasets,
            (await api.GetJsonAsync($"/api/runs/{c.RunId}")).GetRawText(),
            (await api.GetJsonAsync($"/api/registry/fashion-vae?teamId={c.TeamId}")).GetRawText(),
            (await api.GetJsonAsync($"/api/augmented/{c.AugmentedId}")).GetRawText(),
            (await api.GetJsonAsync($"/api/scores/{c.ScoreJobId}/reviews")).GetRawText(),
            await api.Client.GetByteArrayAsync($"/api/models/{c.ModelId}/file"),
            await api.Client.GetByteArrayAsync($"/api/registry/fashion-vae/versions/1/download?teamId={c.TeamId}"),
            audit);
    }

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    /// <summary>Passes the first bytes through, then holds every read until <paramref name="gate"/> completes: an upload left under way.</summary>
    private sealed class GatedStream(Stream inner, int openBytes, Task gate) : Stream
    {
        private long _passed;

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
        {
            if (_passed >= openBytes) await gate.WaitAsync(ct);
            var allowed = _passed >= openBytes ? buffer : buffer[..(int)Math.Min(buffer.Length, openBytes - _passed)];
            var read = await inner.ReadAsync(allowed, ct);
            _passed += read;
            return read;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) => ReadAsync(buffer.AsMemory(offset, count), ct).AsTask();

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count, CancellationToken.None).GetAwaiter().GetResult();

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _passed; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing) inner.Dispose();
            base.Dispose(disposing);
        }
    }
}
