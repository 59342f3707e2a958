using System.Text;
using VaeWorkbench.Web.Storage;
using VaeWorkbench.Web.Tests.Infrastructure;

namespace VaeWorkbench.Web.Tests;

/// <summary>BlobStore.PutMany: the same blobs as one Put each, made durable with one flush, and all or nothing on failure.</summary>
public sealed class BlobBatchTests : IDisposable
{
    private readonly List<WorkbenchFactory> _factories = [];

    [Fact]
    public void A_batch_stores_what_Put_would_and_skips_duplicates_and_stored_blobs()
    {
        var blobs = Start().Services.GetRequiredService<BlobStore>();
        var stored = blobs.Put("stored before"u8);
        byte[][] items = [.. new[] { "a", "b", "a", "stored before", "c" }.Select(Encoding.UTF8.GetBytes)];

        var hashes = blobs.PutMany(items);

        Assert.Equal(items.Select(i => blobs.Put(i)), hashes); // Put finds each stored already and gives the same name
        Assert.Equal(stored, hashes[3]);
        Assert.Equal(hashes[0], hashes[2]);
        for (var i = 0; i < items.Length; i++) Assert.Equal(items[i], blobs.ReadAllBytes(hashes[i]));
        Assert.Empty(Directory.GetFiles(blobs.TempDirectory));
    }

    [Fact]
    public void A_write_failing_mid_batch_leaves_no_blob_of_the_batch_and_no_temporary_file()
    {
        // The third blob write of this server fails as a full disk does.
        var blobs = Start(new() { ["Faults:Point"] = "blob-write", ["Faults:Hit"] = "3", ["Faults:Action"] = "DiskFull" })
            .Services.GetRequiredService<BlobStore>();
        byte[][] items = [.. new[] { "one", "two", "three", "four" }.Select(Encoding.UTF8.GetBytes)];

        Assert.Throws<IOException>(() => blobs.PutMany(items));

        Assert.Empty(Directory.GetFiles(blobs.TempDirectory));
        Assert.Empty(Directory.GetFiles(blobs.RootDirectory, "*", SearchOption.AllDirectories));
    }

    private WorkbenchFactory Start(Dictionary<string, string?>? settings = null)
    {
        var factory = new WorkbenchFactory(settings);
        _factories.Add(factory);
        return factory;
    }

    public void Dispose()
    {
        foreach (var factory in _factories) factory.Dispose();
    }
}
