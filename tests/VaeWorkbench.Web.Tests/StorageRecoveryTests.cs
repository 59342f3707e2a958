using Microsoft.EntityFrameworkCore;
using VaeWorkbench.Web.Data;
using VaeWorkbench.Web.Storage;
using VaeWorkbench.Web.Tests.Infrastructure;

namespace VaeWorkbench.Web.Tests;

/// <summary>Start-up cleanup's grace period, and the consistency check catching what a crash or a bad disk can do to files.</summary>
public sealed class StorageRecoveryTests : IDisposable
{
    private readonly WorkbenchFactory _factory = new(); // the default grace period of an hour

    [Fact]
    public async Task Start_up_cleanup_removes_leftovers_older_than_the_grace_period_and_keeps_younger_ones()
    {
        var blobs = _factory.Services.GetRequiredService<BlobStore>();
        var oldOrphan = blobs.PathOf(blobs.Put("an orphan from yesterday"u8));
        var youngOrphan = blobs.PathOf(blobs.Put("an orphan another server just stored"u8));
        var oldTemp = blobs.NewTempPath();
        var youngTemp = blobs.NewTempPath();
        await File.WriteAllTextAsync(oldTemp, "half written");
        await File.WriteAllTextAsync(youngTemp, "being written");
        foreach (var old in new[] { oldOrphan, oldTemp }) File.SetLastWriteTimeUtc(old, DateTime.UtcNow.AddHours(-2));

        await _factory.Services.RecoverStorageAsync();

        Assert.False(File.Exists(oldOrphan));
        Assert.False(File.Exists(oldTemp));
        Assert.True(File.Exists(youngOrphan));
        Assert.True(File.Exists(youngTemp));
    }

    [Fact]
    public async Task Start_up_cleanup_removes_shards_of_tensors_no_row_refers_to_and_unfinished_shard_folders_but_keeps_live_ones()
    {
        var shards = Path.Combine(_factory.DataDirectory, "shards");
        var owner = await _factory.RegisterWithTokenAsync();
        var datasetId = await _factory.CreateFashionMnistAsync(await owner.PersonalTeamIdAsync(), 5);
        string live;
        using (var scope = _factory.Services.CreateScope())
            live = (await scope.ServiceProvider.GetRequiredService<AppDbContext>().Datasets.SingleAsync(d => d.Id == datasetId)).TensorHash!;
        var gone = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData("a deleted dataset's tensor"u8));
        var files = new[] { Path.Combine(shards, live, "shard-00000.bin"), Path.Combine(shards, gone, "shard-00000.bin"), Path.Combine(shards, $"{gone}.building-0123", "shard-00000.bin") };
        foreach (var file in files)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            await File.WriteAllTextAsync(file, "shard");
            File.SetLastWriteTimeUtc(file, DateTime.UtcNow.AddHours(-2));
        }

        await _factory.Services.RecoverStorageAsync();

        Assert.True(File.Exists(files[0]), "the shards of a live dataset stay");
        Assert.False(File.Exists(files[1]));
        Assert.False(File.Exists(files[2]));
    }

    [Fact]
    public async Task The_consistency_check_passes_on_a_fresh_import_and_names_a_corrupted_and_a_missing_blob()
    {
        var user = await _factory.RegisterWithTokenAsync();
        var (zip, _) = DatasetUploads.FashionZip(perClass: 10, classes: [0, 1, 2]);
        var datasetId = (await user.UploadAsync(DatasetUploads.Form("fashion", 28, 1, [("fashion.zip", zip)]))).GetProperty("id").GetGuid();
        Assert.True((await CheckAsync()).Ok, string.Join("\n", (await CheckAsync()).Problems));

        string tensor, image;
        using (var scope = _factory.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            tensor = (await db.Datasets.SingleAsync(d => d.Id == datasetId)).TensorHash!;
            image = await db.DatasetImages.Where(i => i.DatasetId == datasetId).Select(i => i.ContentHash).FirstAsync();
        }
        var blobs = _factory.Services.GetRequiredService<BlobStore>();
        var bytes = await File.ReadAllBytesAsync(blobs.PathOf(tensor));
        bytes[^1] ^= 0xFF;
        await File.WriteAllBytesAsync(blobs.PathOf(tensor), bytes);
        File.Delete(blobs.PathOf(image));

        var report = await CheckAsync();
        Assert.Contains($"blob {tensor} does not hash to its name", report.Problems);
        Assert.Contains($"blob {image} is referenced but missing", report.Problems);
    }

    private async Task<ConsistencyReport> CheckAsync()
    {
        using var scope = _factory.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<StorageConsistencyCheck>().CheckAsync();
    }

    public void Dispose() => _factory.Dispose();
}
