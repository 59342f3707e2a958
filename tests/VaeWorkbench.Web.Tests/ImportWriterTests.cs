using VaeWorkbench.Imaging;
using VaeWorkbench.Imaging.Datasets;
using VaeWorkbench.Imaging.Formats.Png;
using VaeWorkbench.Web.Datasets;
using VaeWorkbench.Web.Storage;
using VaeWorkbench.Web.Tests.Infrastructure;

namespace VaeWorkbench.Web.Tests;

/// <summary>ImportWriter stores PNGs a batch at a time: every image ends with the hash of its own PNG, none is left out.</summary>
public sealed class ImportWriterTests : IDisposable
{
    private readonly WorkbenchFactory _factory = new();

    [Fact]
    public async Task Images_over_several_batches_all_get_their_own_stored_PNG_and_rows_wait_until_stored()
    {
        var blobs = _factory.Services.GetRequiredService<BlobStore>();
        using var writer = new ImportWriter(blobs, imageSize: 8, channels: 1);
        const int count = 600; // two full batches of 256 and a partial one
        for (var i = 0; i < count; i++)
        {
            var pixels = Enumerable.Range(0, 64).Select(p => (byte)((p * 7 + i) % 256)).ToArray();
            writer.Add(new DatasetImage($"img{i}.png", (i % 3).ToString(), ImageFormat.Png, new Image(8, 8, 1, pixels)));
        }
        Assert.Throws<InvalidOperationException>(() => writer.Images); // the last 88 are not stored yet

        await writer.WriteTensorFileAsync(writer.ClassNames(), CancellationToken.None);

        Assert.Equal(count, writer.Images.Count);
        for (var i = 0; i < count; i++)
        {
            var stored = PngDecoder.Decode(blobs.ReadAllBytes(writer.Images[i].ContentHash));
            Assert.Equal((byte)(i % 256), stored.Pixels[0]); // image i's own pixels, in order
            Assert.Equal(i, writer.Images[i].Index);
        }
        Assert.Subset(writer.StoredHashes.ToHashSet(), writer.Images.Select(i => i.ContentHash).ToHashSet()); // a failed import can remove them all
    }

    public void Dispose() => _factory.Dispose();
}
