using System.Buffers.Binary;
using System.IO.Compression;
using VaeWorkbench.Imaging.Datasets;
using VaeWorkbench.Imaging.Formats.Png;
using VaeWorkbench.Imaging.Tests.Support;

namespace VaeWorkbench.Imaging.Tests;

public class ZipDatasetReaderTests
{
    private static byte[] Png(int seed) => PngEncoder.Encode(TestImages.Random(4, 3, 3, seed));

    private static MemoryStream Zip(params (string Name, byte[] Data)[] entries) => Zip(entries.Select(e => (e.Name, e.Data, 0)).ToArray());

    private static MemoryStream Zip((string Name, byte[] Data, int UnixMode)[] entries)
    {
        var stream = new MemoryStream();
        using (var archive = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true))
            foreach (var (name, data, mode) in entries)
            {
                var entry = archive.CreateEntry(name, CompressionLevel.Optimal);
                if (mode != 0) entry.ExternalAttributes = mode << 16;
                using var s = entry.Open();
                s.Write(data);
            }
        stream.Position = 0;
        return stream;
    }

    [Fact]
    public void ImageFolder_zip_gives_labels_and_a_single_wrapping_folder_is_the_root()
    {
        var flat = DatasetReader.ReadZip(Zip(("cat/a.png", Png(1)), ("dog/b.png", Png(2)), ("c.png", Png(3)))).Cast<DatasetImage>().ToList();
        Assert.Equal(["cat", "dog", null], flat.Select(i => i.Label));

        var wrapped = DatasetReader.ReadZip(Zip(("data/cat/a.png", Png(1)), ("data/dog/b.png", Png(2)), ("data/c.png", Png(3)))).Cast<DatasetImage>().ToList();
        Assert.Equal(["cat", "dog", null], wrapped.Select(i => i.Label));
        Assert.Equal("data/cat/a.png", wrapped[0].Name);

        var oneClass = DatasetReader.ReadZip(Zip(("cat/a.png", Png(1)), ("cat/b.png", Png(2)))).Cast<DatasetImage>().ToList();
        Assert.Equal(["cat", "cat"], oneClass.Select(i => i.Label));
    }

    [Theory]
    [InlineData("../evil.png", "zip slip")]
    [InlineData("a/../../evil.png", "zip slip")]
    [InlineData("/etc/evil.png", "absolute path")]
    [InlineData("C:/evil.png", "drive letter")]
    [InlineData("a\\..\\evil.png", "backslash")]
    [InlineData("a//evil.png", "empty or '.' path segment")]
    [InlineData("./evil.png", "empty or '.' path segment")]
    [InlineData("c/x\u202Egnp.exe", "bidirectional control character")]
    public void Unsafe_entry_names_are_refused_and_the_rest_still_read(string name, string reason)
    {
        var entries = DatasetReader.ReadZip(Zip((name, Png(1)), ("ok/fine.png", Png(2)))).ToList();

        var skip = Assert.IsType<DatasetSkip>(entries[0]);
        Assert.Equal(name, skip.Name);
        Assert.Contains(reason, skip.Reason);
        Assert.IsType<DatasetImage>(entries[1]);
    }

    [Fact]
    public void Symlink_entries_and_nested_archives_are_not_opened()
    {
        var inner = Zip(("x.png", Png(1))).ToArray();
        var entries = DatasetReader.ReadZip(Zip([("c/link.png", "/etc/passwd"u8.ToArray(), 0xA1FF), ("c/inner.zip", inner, 0), ("c/ok.png", Png(2), 0x81A4)])).ToList();

        Assert.Contains("symbolic link", Assert.IsType<DatasetSkip>(entries[0]).Reason);
        Assert.Equal("nested archive, not opened", Assert.IsType<DatasetSkip>(entries[1]).Reason);
        Assert.IsType<DatasetImage>(entries[2]);
    }

    [Fact]
    public void Zip_bomb_is_stopped_by_the_ratio_while_inflating()
    {
        var bomb = new byte[20 * 1024 * 1024]; // 20 MB of zeros deflates about 1000:1

        var entries = DatasetReader.ReadZip(Zip(("c/bomb.png", bomb), ("c/ok.png", Png(1)))).ToList();

        Assert.Contains("zip bomb", Assert.IsType<DatasetSkip>(entries[0]).Reason);
        Assert.IsType<DatasetImage>(entries[1]);
    }

    [Fact]
    public void A_bomb_of_a_gigabyte_is_stopped_while_inflating_with_memory_bounded_by_the_entry_limit()
    {
        var stream = new MemoryStream();
        using (var archive = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true))
        using (var entry = archive.CreateEntry("c/bomb.png", CompressionLevel.SmallestSize).Open())
        {
            var zeros = new byte[1 << 20];
            for (var i = 0; i < 1024; i++) entry.Write(zeros); // 1 GB of zeros, about 1 MB compressed
        }
        var bomb = stream.ToArray();
        var byEntryBytes = new DatasetReadOptions { MaxEntryBytes = 1 << 20 };
        DatasetReader.ReadZip(new MemoryStream(bomb), byEntryBytes).ToList(); // warm up
        var before = GC.GetAllocatedBytesForCurrentThread();

        var skip = Assert.IsType<DatasetSkip>(DatasetReader.ReadZip(new MemoryStream(bomb), byEntryBytes).Single());

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal("entry inflates to more than 1048576 bytes", skip.Reason);
        // The entry buffer grows by doubling, so it may reach twice the limit; never anywhere near the gigabyte.
        Assert.True(allocated < 8 << 20, $"allocated {allocated} bytes on a 1 GB bomb with a 1 MB entry limit");
    }

    [Fact]
    public void Many_small_entries_that_each_pass_the_ratio_are_stopped_by_the_archive_ratio()
    {
        // 3000 entries of 60 KB of zeros: each is under the 64 KB ratio exemption, together 180 MB from about 0.5 MB.
        var zeros = new byte[60 * 1024];
        var zip = Zip(Enumerable.Range(0, 3000).Select(i => ($"c/{i}.bmp", zeros)).ToArray());

        var entries = DatasetReader.ReadZip(zip, new DatasetReadOptions { MaxCompressionRatio = 20 }).Cast<DatasetSkip>().ToList();

        var ratio = $"the archive inflates more than 20x its {zip.Length} bytes (zip bomb?)";
        Assert.Equal(ratio, entries[^2].Reason);
        Assert.Equal("(archive)", entries[^1].Name);
        Assert.EndsWith($"later entries not read: {ratio}", entries[^1].Reason);
        Assert.InRange((entries.Count - 1) * (long)zeros.Length, 20 * zip.Length, 20 * zip.Length + zeros.Length);
    }

    [Fact]
    public void Per_entry_and_total_limits_count_real_bytes()
    {
        var noise = new byte[300_000];
        new Random(1).NextBytes(noise);
        var options = new DatasetReadOptions { MaxEntryBytes = 200_000 };
        Assert.Contains("more than 200000 bytes", Assert.IsType<DatasetSkip>(DatasetReader.ReadZip(Zip(("c/big.bin", noise)), options).Single()).Reason);

        var total = new DatasetReadOptions { MaxTotalBytes = 400_000 };
        var entries = DatasetReader.ReadZip(Zip(("c/1.bin", noise), ("c/2.bin", noise), ("c/3.png", Png(1))), total).ToList();
        Assert.Contains("Unknown image format", Assert.IsType<DatasetSkip>(entries[0]).Reason); // read, just not an image
        Assert.Contains("total inflated size", Assert.IsType<DatasetSkip>(entries[1]).Reason);
        Assert.Contains("1 later entries not read", Assert.IsType<DatasetSkip>(entries[2]).Reason);
        Assert.Equal(3, entries.Count);
    }

    [Fact]
    public void A_header_that_understates_the_size_does_not_get_past_the_counted_limit()
    {
        var noise = new byte[300_000];
        new Random(2).NextBytes(noise);
        var zip = Zip(("c/liar.png", noise)).ToArray();
        // Claim 100 uncompressed bytes in both the local header (offset 22) and the central directory record.
        BinaryPrimitives.WriteInt32LittleEndian(zip.AsSpan(22), 100);
        var central = zip.AsSpan().LastIndexOf("PK\x01\x02"u8);
        BinaryPrimitives.WriteInt32LittleEndian(zip.AsSpan(central + 24), 100);

        var entry = DatasetReader.ReadZip(new MemoryStream(zip), new DatasetReadOptions { MaxEntryBytes = 200_000 }).Single();

        Assert.IsType<DatasetSkip>(entry);
    }

    [Fact]
    public void Entry_count_limit_and_damaged_archives_fail_clearly()
    {
        var many = Zip(Enumerable.Range(0, 10).Select(i => ($"c/{i}.png", Png(i))).ToArray());
        Assert.Contains("declares 10 entries, limit is 5", Assert.Throws<InvalidImageException>(() => DatasetReader.ReadZip(many, new DatasetReadOptions { MaxEntries = 5 }).ToList()).Message);

        var damaged = new MemoryStream(Zip(("c/a.png", Png(1))).ToArray()[..40]);
        Assert.Contains("ZIP archive is damaged", Assert.Throws<InvalidImageException>(() => DatasetReader.ReadZip(damaged).ToList()).Message);
    }

    [Fact]
    public void Declared_entry_count_is_checked_before_the_directory_is_parsed()
    {
        // An end-of-central-directory record alone, claiming 65000 entries: refused from the count, not from parsing.
        var eocd = new byte[22];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(eocd, 0x06054B50);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16LittleEndian(eocd.AsSpan(8), 65000);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16LittleEndian(eocd.AsSpan(10), 65000);

        var e = Assert.Throws<InvalidImageException>(() => DatasetReader.ReadZip(new MemoryStream(eocd), new DatasetReadOptions { MaxEntries = 1000 }).ToList());

        Assert.Equal("ZIP archive declares 65000 entries, limit is 1000", e.Message);
    }

    [Fact]
    public void Zip_on_disk_is_detected_by_content_and_never_extracted()
    {
        using var dir = new TempDirectory();
        var path = dir.Write("upload.bin", Zip(("cat/a.png", Png(1)), ("../escape.png", Png(2))).ToArray());

        var report = DatasetImporter.Import(DatasetReader.Read(path));

        Assert.Equal(1, report.Imported);
        Assert.Equal(["upload.bin"], Directory.EnumerateFileSystemEntries(dir.Path).Select(Path.GetFileName));
        Assert.False(File.Exists(Path.Combine(Path.GetDirectoryName(dir.Path)!, "escape.png")));
    }
}
