using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using VaeWorkbench.Web.Backups;
using VaeWorkbench.Web.Faults;
using VaeWorkbench.Web.Options;
using VaeWorkbench.Web.Tests.Infrastructure;

namespace VaeWorkbench.Web.Tests.Backups;

/// <summary>
/// A server with real content (a dataset uploaded through the API, so it has image rows, and a model trained on it) and
/// one backup of it, which tests copy before they damage it. Cleans up every folder it made.
/// </summary>
public sealed class BackupFixture : IAsyncLifetime
{
    private readonly List<string> _folders = [];

    public WorkbenchFactory Factory { get; } = new(WorkbenchFactory.FastTraining());
    public ApiUser Owner { get; private set; } = null!;
    public Guid ModelId { get; private set; }
    public string Backup { get; private set; } = "";

    public async Task InitializeAsync()
    {
        Owner = await Factory.RegisterWithTokenAsync();
        var (images, labels) = DatasetUploads.FashionIdxPair(200);
        var dataset = await Owner.UploadAsync(DatasetUploads.Form("fashion", 28, 1, [("images-idx3-ubyte.gz", images), ("labels-idx1-ubyte", labels)]));
        var created = await Owner.Client.PostAsJsonAsync("/api/runs", new { datasetId = dataset.GetProperty("id").GetGuid(), epochs = 1, batch = 64, seed = 3 });
        await ApiClient.EnsureStatusAsync(created, HttpStatusCode.Created);
        var runId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var run = await Eventually.WaitForAsync(() => Owner.GetJsonAsync($"/api/runs/{runId}"),
            r => r.GetProperty("status").GetString() is "Succeeded" or "Failed", TimeSpan.FromMinutes(2), "the run to finish");
        Assert.Equal("Succeeded", run.GetProperty("status").GetString());
        ModelId = run.GetProperty("modelId").GetGuid();
        Backup = NewFolder();
        await Factory.Services.GetRequiredService<BackupService>().BackUpAsync(Backup, BackupService.CommandTrigger);
    }

    /// <summary>A path for a new folder (not created), deleted when the fixture is disposed.</summary>
    public string NewFolder()
    {
        var folder = Path.Combine(Path.GetTempPath(), "vwb-backup-test-" + Guid.NewGuid().ToString("N"), "folder");
        _folders.Add(Path.GetDirectoryName(folder)!);
        return folder;
    }

    /// <summary>A full copy of the backup (no hard links, so damaging it leaves the original and the live blobs alone).</summary>
    public string CopyOfBackup()
    {
        var copy = NewFolder();
        foreach (var file in Directory.EnumerateFiles(Backup, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(copy, Path.GetRelativePath(Backup, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
        return copy;
    }

    /// <summary>Restores <paramref name="backup"/> into <paramref name="target"/> as <c>restore --from</c> does with Storage:DataDirectory set to it.</summary>
    public Task<RestoreResult> RestoreAsync(string backup, string target) =>
        new BackupRestorer(Microsoft.Extensions.Options.Options.Create(new StorageOptions { DataDirectory = target }),
            Factory.Services.GetRequiredService<Failpoints>(), NullLoggerFactory.Instance).RestoreAsync(backup);

    /// <summary>Rows per table, read with plain SQLite (not the code under test).</summary>
    public static Dictionary<string, long> CountRows(string database)
    {
        using var connection = new SqliteConnection($"Data Source={database};Mode=ReadOnly;Pooling=False");
        connection.Open();
        var tables = new List<string>();
        using (var list = connection.CreateCommand())
        {
            list.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'";
            using var reader = list.ExecuteReader();
            while (reader.Read()) tables.Add(reader.GetString(0));
        }
        return tables.ToDictionary(t => t, t =>
        {
            using var count = connection.CreateCommand();
            count.CommandText = $"SELECT COUNT(*) FROM \"{t}\"";
            return (long)count.ExecuteScalar()!;
        });
    }

    public Task DisposeAsync()
    {
        Factory.Dispose();
        SqliteConnection.ClearAllPools();
        foreach (var folder in _folders.Where(Directory.Exists)) Directory.Delete(folder, recursive: true);
        return Task.CompletedTask;
    }
}
