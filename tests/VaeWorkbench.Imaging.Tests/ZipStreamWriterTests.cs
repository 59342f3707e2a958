using System.IO.Compression;
using System.Text;
using VaeWorkbench.Imaging.Datasets;
using VaeWorkbench.Imaging.Tests.Support;

namespace VaeWorkbench.Imaging.Tests;

/// <summary>Our front-to-back ZIP writer, read back by System.IO.Compression's reader (which checks every CRC).</summary>
public class ZipStreamWriterTests
{
    private static readonly DateTime Stamp = new(2026, 12, 2, 22, 30, 14);

    [Fact]
    public void Stored_and_deflated_entries_read_back_with_their_names_times_and_bytes()
    {
        var output = new WriteOnlyStream();
        var big = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, 50_000).Select(i => $"line {i},x\n")));
        using (var zip = new ZipStreamWriter(output, Stamp))
        {
            zip.AddStored("a/000001.png", [1, 2, 3]);
            zip.AddStored("ünïcode/ß.png", []);
            zip.AddDeflated("manifest.csv", new MemoryStream(big));
            zip.Finish();
        }
        using var archive = new ZipArchive(new MemoryStream(output.Inner.ToArray()), ZipArchiveMode.Read);
        Assert.Equal(["a/000001.png", "ünïcode/ß.png", "manifest.csv"], archive.Entries.Select(e => e.FullName));
        Assert.Equal([1, 2, 3], Read(archive.Entries[0]));
        Assert.Empty(Read(archive.Entries[1]));
        Assert.Equal(big, Read(archive.Entries[2]));
        Assert.True(archive.Entries[2].CompressedLength < big.Length / 3, $"manifest deflated to {archive.Entries[2].CompressedLength} of {big.Length} bytes");
        Assert.Equal(new DateTime(2026, 12, 2, 22, 30, 14), archive.Entries[0].LastWriteTime.DateTime);
    }

    [Fact]
    public void The_headers_carry_the_CRC_of_the_bytes()
    {
        var data = new byte[10_007];
        new Random(5).NextBytes(data);
        var output = new MemoryStream();
        using (var zip = new ZipStreamWriter(output, Stamp))
        {
            zip.AddStored("check.bin", "123456789"u8);
            zip.AddStored("random.bin", data);
            zip.Finish();
        }
        using var archive = new ZipArchive(new MemoryStream(output.ToArray()), ZipArchiveMode.Read);
        Assert.Equal(0xCBF43926u, archive.Entries[0].Crc32); // the CRC-32 check value of "123456789"
        Assert.Equal(Formats.Crc32.ComputeNaive(data), archive.Entries[1].Crc32);
        Assert.Equal(data, Read(archive.Entries[1]));
    }

    [Fact]
    public void More_than_65535_entries_get_zip64_end_records()
    {
        const int count = 70_000;
        var output = new MemoryStream();
        using (var zip = new ZipStreamWriter(output, Stamp))
        {
            for (var i = 0; i < count; i++) zip.AddStored($"{i:D6}.png", [(byte)i]);
            zip.Finish();
        }
        using var archive = new ZipArchive(new MemoryStream(output.ToArray()), ZipArchiveMode.Read);
        Assert.Equal(count, archive.Entries.Count);
        Assert.Equal("069999.png", archive.Entries[^1].FullName);
        Assert.Equal([unchecked((byte)69_999)], Read(archive.Entries[^1]));
    }

    [Fact]
    public void Offsets_past_4_GiB_go_into_zip64_extra_fields()
    {
        // A sparse file: the archive starts 4 GiB + 1 MB in, so its entries' offsets need 64 bits; no disk is used for the gap.
        var path = Path.Combine(Path.GetTempPath(), $"zip64-{Guid.NewGuid():N}.zip");
        try
        {
            const long start = (4L << 30) + (1 << 20);
            using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite))
            {
                file.Seek(start, SeekOrigin.Begin);
                using var zip = new ZipStreamWriter(file, Stamp);
                zip.AddStored("far.png", [7, 8, 9]);
                zip.AddDeflated("manifest.csv", new MemoryStream("file\nfar.png\n"u8.ToArray()));
                zip.Finish();
            }
            using var archive = ZipFile.OpenRead(path);
            Assert.Equal([7, 8, 9], Read(archive.GetEntry("far.png")!));
            Assert.Equal("file\nfar.png\n"u8.ToArray(), Read(archive.GetEntry("manifest.csv")!));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Nothing_can_be_added_after_Finish_and_bad_names_are_refused()
    {
        var output = new MemoryStream();
        using var zip = new ZipStreamWriter(output, Stamp);
        Assert.Throws<ArgumentException>(() => zip.AddStored("", [1]));
        Assert.Throws<ArgumentException>(() => zip.AddStored(new string('a', 65_536), [1]));
        zip.AddStored(new string('b', 65_535), [1]); // the longest name the format holds
        zip.Finish();
        Assert.Throws<ObjectDisposedException>(() => zip.AddStored("late.png", [1]));
        Assert.Throws<ObjectDisposedException>(() => zip.Finish());
        using var archive = new ZipArchive(new MemoryStream(output.ToArray()), ZipArchiveMode.Read);
        Assert.Equal(new string('b', 65_535), archive.Entries.Single().FullName);
    }

    private static byte[] Read(ZipArchiveEntry entry)
    {
        using var stream = entry.Open();
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
