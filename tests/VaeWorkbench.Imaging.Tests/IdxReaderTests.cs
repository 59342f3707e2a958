using System.IO.Compression;
using VaeWorkbench.Imaging.Datasets;
using VaeWorkbench.Imaging.Formats;
using VaeWorkbench.Imaging.Tests.Support;

namespace VaeWorkbench.Imaging.Tests;

public class IdxReaderTests
{
    private static byte[] Images(int count, int rows, int cols, byte[] pixels) =>
        [0, 0, 8, 3, .. Be(count), .. Be(rows), .. Be(cols), .. pixels];

    private static byte[] Labels(byte[] labels) => [0, 0, 8, 1, .. Be(labels.Length), .. labels];

    private static byte[] Be(int v) => [(byte)(v >> 24), (byte)(v >> 16), (byte)(v >> 8), (byte)v];

    private static byte[] Gzip(byte[] data)
    {
        var output = new MemoryStream();
        using (var gz = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true)) gz.Write(data);
        return output.ToArray();
    }

    [Fact]
    public void Reads_plain_and_gzip_images_and_labels()
    {
        var pixels = Enumerable.Range(0, 12).Select(i => (byte)i).ToArray();
        foreach (var transform in new Func<byte[], byte[]>[] { d => d, Gzip })
        {
            var images = IdxReader.ReadImages(new MemoryStream(transform(Images(2, 2, 3, pixels))));
            Assert.Equal((2, 2, 3), (images.Count, images.Rows, images.Columns));
            Assert.Equal(pixels[6..], images.ImageBytes(1).ToArray());
            Assert.Equal(new byte[] { 7, 3 }, IdxReader.ReadLabels(new MemoryStream(transform(Labels([7, 3])))));
        }
    }

    [Theory]
    [InlineData(new byte[] { 0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 2, 1, 2, 3 }, "truncated: 3 of 8 bytes")]
    [InlineData(new byte[] { 0, 0, 9, 3 }, "data type 0x09 is not supported")]
    [InlineData(new byte[] { 0, 0, 8, 1, 0, 0, 0, 1 }, "1 dimensions, expected 3")]
    [InlineData(new byte[] { 1, 0, 8, 3 }, "two zero bytes")]
    [InlineData(new byte[] { 0, 0, 8, 3, 0, 0 }, "ends inside its dimension 0")]
    [InlineData(new byte[] { 0, 0, 8, 3, 0, 0, 0, 1, 0, 1, 0, 0, 0, 1, 0, 0 }, "65536x65536")]
    public void Bad_image_files_are_rejected(byte[] file, string message)
    {
        Assert.Contains(message, Assert.Throws<InvalidImageException>(() => IdxReader.ReadImages(new MemoryStream(file))).Message);
    }

    [Fact]
    public void Corrupt_gzip_is_an_InvalidImageException()
    {
        var gz = Gzip(Images(2, 2, 2, new byte[8]));
        for (var i = 12; i < gz.Length - 8; i++) gz[i] ^= 0x5A;

        var e = Assert.Throws<InvalidImageException>(() => IdxReader.ReadImages(new MemoryStream(gz)));

        Assert.StartsWith("IDX", e.Message);
    }

    [Fact]
    public void Gzip_bomb_is_stopped_by_the_decompressed_byte_limit()
    {
        var huge = Gzip(Images(1000, 100, 100, new byte[10_000_000]));

        var e = Assert.Throws<InvalidImageException>(() => IdxReader.ReadImages(new MemoryStream(huge), new DecodeLimits { MaxDecompressedBytes = 1_000_000 }));

        Assert.Contains("limit is 1000000", e.Message);
    }

    [Fact]
    public void Dataset_reader_pairs_images_with_labels_and_checks_counts()
    {
        using var dir = new TempDirectory();
        var images = dir.Write("train-images-idx3-ubyte", Images(3, 1, 2, [1, 2, 3, 4, 5, 6]));
        dir.Write("train-labels-idx1-ubyte", Labels([9, 0, 4]));
        var wrong = dir.Write("wrong-labels", Labels([1]));

        var entries = DatasetReader.Read(images).Cast<DatasetImage>().ToList();

        Assert.Equal(["9", "0", "4"], entries.Select(e => e.Label));
        Assert.Equal("train-images-idx3-ubyte#2", entries[2].Name);
        Assert.Equal(new byte[] { 5, 6 }, entries[2].Image.Pixels);
        Assert.Contains("1 labels for 3 images", Assert.Throws<InvalidImageException>(() => DatasetReader.ReadIdx(images, wrong)).Message);
    }

    [Fact]
    public void Reads_the_real_fashion_mnist_test_set()
    {
        const string dir = "/usr/share/datasets/fashion-mnist";
        var images = Path.Combine(dir, "t10k-images-idx3-ubyte.gz");
        Assert.True(File.Exists(images), $"{images} is missing: apt-get install -y dataset-fashion-mnist");

        var entries = DatasetReader.Read(images).Cast<DatasetImage>().ToList();

        Assert.Equal(10_000, entries.Count);
        Assert.All(entries.Take(50), e => Assert.Equal((28, 28, 1), (e.Image.Width, e.Image.Height, e.Image.Channels)));
        Assert.Equal(Enumerable.Range(0, 10).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), entries.Select(e => e.Label!).Distinct().Order());
        Assert.Equal(1000, entries.Count(e => e.Label == "9")); // the test set is balanced
    }
}
