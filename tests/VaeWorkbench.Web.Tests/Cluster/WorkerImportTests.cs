using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using VaeWorkbench.Web.Data.Entities;
using VaeWorkbench.Web.Datasets;
using VaeWorkbench.Web.Tests.Infrastructure;
using VaeWorkbench.Web.Tests.Postgres;

namespace VaeWorkbench.Web.Tests.Cluster;

/// <summary>
/// Dataset imports as jobs on real PostgreSQL: the web node (this process, role web) receives the upload, stages it and
/// waits; a worker process claims the import, decodes and writes it, and the outcome reaches the API caller through
/// LISTEN/NOTIFY. Which node did the work is read from the worker's own log.
/// </summary>
[Trait("Category", PostgresDatabase.Category)]
public sealed class WorkerImportTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>, IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(4);
    private readonly List<WorkerProcess> _workers = [];
    private WorkbenchFactory _web = null!;

    // Short leases where a killed worker's lease must lapse; a long one elsewhere, so a busy machine's stalls never pass for a death.
    private Dictionary<string, string?> Settings(int maxAttempts, int leaseSeconds) => database.Settings(new()
    {
        ["Datasets:ImportHeartbeatSeconds"] = "1", ["Datasets:ImportLeaseSeconds"] = leaseSeconds.ToString(), ["Datasets:ImportPollSeconds"] = "1",
        ["Datasets:ImportMaxAttempts"] = maxAttempts.ToString(),
    });

    public Task InitializeAsync() => Task.CompletedTask;

    private int _leaseSeconds = 3;

    private void StartWeb(int maxAttempts = 1, int leaseSeconds = 3)
    {
        _leaseSeconds = leaseSeconds;
        _web = new WorkbenchFactory(new(Settings(maxAttempts, leaseSeconds)) { ["Node:Role"] = "web" });
        _ = _web.Services; // the web node migrates the database before any worker opens it
    }

    private async Task<WorkerProcess> StartWorkerAsync(int maxAttempts = 1, string? failpoint = null)
    {
        var settings = new Dictionary<string, string?>(Settings(maxAttempts, _leaseSeconds)) { ["Storage:DataDirectory"] = _web.DataDirectory };
        if (failpoint is not null) (settings["Faults:Point"], settings["Faults:Hit"], settings["Faults:Action"]) = (failpoint, "1", "Block");
        var worker = await WorkerProcess.StartAsync(settings);
        _workers.Add(worker);
        return worker;
    }

    [Fact]
    public async Task A_worker_imports_an_upload_the_web_node_received_and_a_refusal_it_finds_reaches_the_api_caller()
    {
        StartWeb(leaseSeconds: 30);
        Assert.DoesNotContain(_web.Services.GetServices<IHostedService>(), s => s is DatasetImportQueue);
        var worker = await StartWorkerAsync();
        var user = await _web.RegisterWithTokenAsync();
        var (zip, images) = DatasetUploads.FashionZip(perClass: 10, classes: [0, 1, 7]);

        var created = await user.Client.PostAsync("/api/datasets", DatasetUploads.Form("on a worker", 28, 1, [("fashion.zip", zip)]));
        await ApiClient.EnsureStatusAsync(created, HttpStatusCode.Created);
        var result = await created.Content.ReadFromJsonAsync<JsonElement>();
        var id = result.GetProperty("id").GetGuid();
        Assert.Equal(("Ready", images.Count), (result.GetProperty("status").GetString(), result.GetProperty("imageCount").GetInt32()));
        Assert.Equal(["Sneaker", "T-shirt", "Trouser"], result.GetProperty("classes").EnumerateArray().Select(c => c.GetProperty("name").GetString()).Order());
        Assert.Contains($"Claimed import {id}", worker.Log);
        Assert.False(Directory.Exists(StagingOf(id)), "the staged upload was left behind");
        await using (var db = database.Open())
            Assert.Equal(images.Count, await db.DatasetImages.CountAsync(i => i.DatasetId == id));

        // No image in the archive: the worker refuses it, and the caller reads why, as on a single server.
        using var buffer = new MemoryStream();
        using (var archive = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        using (var readme = archive.CreateEntry("notes/readme.txt").Open()) readme.Write("no images here"u8);
        var empty = buffer.ToArray();
        var refused = await user.Client.PostAsync("/api/datasets", DatasetUploads.Form("nothing", 28, 1, [("empty.zip", empty)]));
        var problem = await ApiClient.AssertProblemAsync(refused, HttpStatusCode.BadRequest);
        Assert.Equal("'empty.zip': the archive holds no images (none of its 1 files is a PNG, JPEG, GIF, BMP, PNM or WebP image).", problem.GetProperty("detail").GetString());
        Assert.Equal(2, worker.Log.Split("Claimed import ").Length - 1);
        var listed = (await user.GetJsonAsync("/api/datasets")).EnumerateArray().Select(d => d.GetProperty("id").GetGuid()).ToList();
        Assert.Equal([id], listed);
        Assert.Empty(Directory.GetDirectories(Path.Combine(_web.DataDirectory, "imports")));
    }

    [Fact]
    public async Task An_import_whose_worker_is_killed_in_its_commit_is_finished_once_by_another_worker()
    {
        StartWeb(maxAttempts: 2);
        var first = await StartWorkerAsync(maxAttempts: 2, failpoint: "dataset-rows-commit");
        var user = await _web.RegisterWithTokenAsync();
        user.Client.Timeout = Deadline; // the request waits while the second worker starts
        var (zip, images) = DatasetUploads.FashionZip(perClass: 20, classes: [2, 3]);
        var upload = user.Client.PostAsync("/api/datasets", DatasetUploads.Form("killed once", 28, 1, [("fashion.zip", zip)]));
        await Eventually.WaitForAsync(() => Task.FromResult(first.Log), l => l.Contains("FAILPOINT dataset-rows-commit reached"), Deadline, "the first worker to reach its commit");
        var id = await ImportingIdAsync();
        await AssertNotReadyAndRowlessAsync(id);

        await first.KillAsync();
        var second = await StartWorkerAsync(maxAttempts: 2);

        var response = await upload;
        await ApiClient.EnsureStatusAsync(response, HttpStatusCode.Created);
        Assert.Contains($"Claimed import {id}", second.Log);
        await using var db = database.Open();
        var dataset = await db.Datasets.AsNoTracking().SingleAsync(d => d.Id == id);
        Assert.Equal((DatasetStatus.Ready, images.Count, 2), (dataset.Status, dataset.ImageCount, dataset.ImportAttempts));
        Assert.Equal(Enumerable.Range(0, images.Count), await db.DatasetImages.Where(i => i.DatasetId == id).Select(i => i.Index).OrderBy(i => i).ToListAsync());
        Assert.False(Directory.Exists(StagingOf(id)), "the staged upload was left behind");
    }

    [Fact]
    public async Task By_default_an_import_whose_worker_is_killed_ends_failed_with_the_reason_and_without_rows()
    {
        StartWeb();
        var worker = await StartWorkerAsync(failpoint: "dataset-rows-commit");
        var user = await _web.RegisterWithTokenAsync();
        var (zip, _) = DatasetUploads.FashionZip(perClass: 20, classes: [4]);
        var upload = user.Client.PostAsync("/api/datasets", DatasetUploads.Form("killed", 28, 1, [("fashion.zip", zip)]));
        await Eventually.WaitForAsync(() => Task.FromResult(worker.Log), l => l.Contains("FAILPOINT dataset-rows-commit reached"), Deadline, "the worker to reach its commit");
        var id = await ImportingIdAsync();

        await worker.KillAsync();

        // No worker is left: the web node's own sweep ends the import once its lease lapses, and the waiting caller hears it.
        var problem = await ApiClient.AssertProblemAsync(await upload, HttpStatusCode.InternalServerError);
        Assert.Contains("server stopped during the import", problem.GetProperty("detail").GetString());
        await AssertNotReadyAndRowlessAsync(id);
        await using var db = database.Open();
        Assert.Equal(DatasetStatus.Failed, await db.Datasets.Where(d => d.Id == id).Select(d => d.Status).SingleAsync());
        Assert.False(Directory.Exists(StagingOf(id)), "the staged upload was left behind");
    }

    private string StagingOf(Guid id) => Path.Combine(_web.DataDirectory, "imports", id.ToString("N"));

    private async Task<Guid> ImportingIdAsync()
    {
        await using var db = database.Open();
        return await db.Datasets.Where(d => d.Status == DatasetStatus.Importing).Select(d => d.Id).SingleAsync();
    }

    private async Task AssertNotReadyAndRowlessAsync(Guid id)
    {
        await using var db = database.Open();
        Assert.NotEqual(DatasetStatus.Ready, await db.Datasets.Where(d => d.Id == id).Select(d => d.Status).SingleAsync());
        Assert.Equal(0, await db.DatasetImages.CountAsync(i => i.DatasetId == id));
    }

    public async Task DisposeAsync()
    {
        foreach (var worker in _workers) await worker.DisposeAsync();
        _web?.Dispose();
    }
}
