using VaeWorkbench.Imaging.Datasets;
using VaeWorkbench.Imaging.Formats.Pnm;
using VaeWorkbench.Imaging.Formats.Png;
using VaeWorkbench.Imaging.Tests.Support;

namespace VaeWorkbench.Imaging.Tests;

public class DatasetReaderTests
{
    private static byte[] Png(int seed) => PngEncoder.Encode(TestImages.Random(4, 3, 3, seed));

    [Fact]
    public void Folder_in_ImageFolder_layout_gives_labels_from_class_folders_and_none_at_the_root()
    {
        using var dir = new TempDirectory();
        dir.Write("cat/a.png", Png(1));
        dir.Write("cat/deeper/b.png", Png(2));
        dir.Write("dog/c.png", Png(3));
        dir.Write("loose.png", Png(4));

        var images = DatasetReader.ReadFolder(dir.Path).Cast<DatasetImage>().ToList();

        Assert.Equal(["cat/a.png", "cat/deeper/b.png", "dog/c.png", "loose.png"], images.Select(i => i.Name));
        Assert.Equal(["cat", "cat", "dog", null], images.Select(i => i.Label));
    }

    [Fact]
    public void Failures_are_reported_per_file_and_do_not_stop_the_import()
    {
        using var dir = new TempDirectory();
        dir.Write("a/good.png", Png(1));
        dir.Write("a/broken.png", Png(2)[..30]);
        dir.Write("a/notes.txt", "hello"u8.ToArray());
        dir.Write("a/.DS_Store", [0, 0, 0, 1]);
        dir.Write("b/good.png", Png(3));

        var report = DatasetImporter.Import(DatasetReader.ReadFolder(dir.Path));

        Assert.Equal(2, report.Imported);
        Assert.Equal(["a/.DS_Store", "a/broken.png", "a/notes.txt"], report.Skipped.Select(s => s.Name).Order(StringComparer.Ordinal));
        Assert.Contains("PNG", report.Skipped.Single(s => s.Name == "a/broken.png").Reason);
        Assert.Contains("Unknown image format", report.Skipped.Single(s => s.Name == "a/notes.txt").Reason);
        Assert.Equal(new Dictionary<string, int> { ["a"] = 1, ["b"] = 1 }, report.LabelCounts);
    }

    [Fact]
    public void Duplicates_are_found_by_decoded_pixels_across_formats()
    {
        using var dir = new TempDirectory();
        var image = TestImages.Random(5, 5, 3, 9);
        dir.Write("x/first.png", PngEncoder.Encode(image));
        dir.Write("x/same-as-ppm.ppm", PnmEncoder.EncodePnm(image));
        dir.Write("x/other.png", Png(1));
        var stored = new List<string>();

        var report = DatasetImporter.Import(DatasetReader.ReadFolder(dir.Path), img => stored.Add(img.Name));

        Assert.Equal(["x/first.png", "x/other.png"], stored);
        var duplicate = Assert.Single(report.Duplicates);
        Assert.Equal(("x/same-as-ppm.ppm", "x/first.png"), (duplicate.Name, duplicate.DuplicateOf));
        Assert.Equal(ContentHash.Of(image), duplicate.PixelHash);
        Assert.Contains(report.Skipped, s => s.Name == "x/same-as-ppm.ppm" && s.Reason.StartsWith("duplicate of x/first.png", StringComparison.Ordinal));
    }

    [Fact]
    public void Symbolic_links_are_reported_not_followed()
    {
        using var dir = new TempDirectory();
        using var outside = new TempDirectory();
        var secret = outside.Write("secret.png", Png(1));
        dir.Write("a/real.png", Png(2));
        File.CreateSymbolicLink(Path.Combine(dir.Path, "a", "link.png"), secret);
        Directory.CreateSymbolicLink(Path.Combine(dir.Path, "linkdir"), outside.Path);

        var entries = DatasetReader.ReadFolder(dir.Path).ToList();

        Assert.Equal("a/real.png", Assert.Single(entries.OfType<DatasetImage>()).Name);
        Assert.Equal(["a/link.png", "linkdir"], entries.OfType<DatasetSkip>().Select(s => s.Name));
        Assert.All(entries.OfType<DatasetSkip>(), s => Assert.Contains("symbolic link", s.Reason));
    }

    [Fact]
    public void Folder_file_count_and_file_size_limits_apply()
    {
        using var dir = new TempDirectory();
        for (var i = 0; i < 5; i++) dir.Write($"c/{i}.png", Png(i));

        var entries = DatasetReader.ReadFolder(dir.Path, new DatasetReadOptions { MaxEntries = 3 }).ToList();
        Assert.Equal(3, entries.OfType<DatasetImage>().Count());
        Assert.Contains("more than 3 files", entries.OfType<DatasetSkip>().Single().Reason);

        var small = DatasetReader.ReadFolder(dir.Path, new DatasetReadOptions { Limits = new DecodeLimits { MaxFileBytes = 20 } }).ToList();
        Assert.All(small, e => Assert.Contains("limit is 20", Assert.IsType<DatasetSkip>(e).Reason));
    }

    [Fact]
    public void Loose_files_are_unlabeled_and_missing_ones_skipped()
    {
        using var dir = new TempDirectory();
        var a = dir.Write("a.png", Png(1));

        var entries = DatasetReader.ReadFiles([a, Path.Combine(dir.Path, "missing.png")]).ToList();

        Assert.Null(Assert.IsType<DatasetImage>(entries[0]).Label);
        Assert.Equal(new DatasetSkip("missing.png", "file does not exist"), entries[1]);
    }

    [Fact]
    public void Reading_is_lazy_so_the_caller_can_stream_items()
    {
        using var dir = new TempDirectory();
        dir.Write("c/a.png", Png(1));
        dir.Write("c/b.png", Png(2));
        var entries = DatasetReader.ReadFolder(dir.Path);

        File.Delete(Path.Combine(dir.Path, "c", "b.png")); // deleted after the reader was created but before enumeration
        dir.Write("c/b.png", Png(3)[..20]);

        Assert.IsType<DatasetSkip>(entries.Last());
    }

    [Fact]
    public void Auto_detection_reads_folders_zips_and_single_images()
    {
        using var dir = new TempDirectory();
        var png = dir.Write("one/x.png", Png(1));

        Assert.Single(DatasetReader.Read(Path.Combine(dir.Path, "one")));
        Assert.Equal("x.png", Assert.Single(DatasetReader.Read(png)).Name);
        Assert.Throws<FileNotFoundException>(() => DatasetReader.Read(Path.Combine(dir.Path, "nothing")));
    }
}

public class TensorDatasetLoaderTests
{
    [Fact]
    public void Loads_a_folder_as_normalised_chw_floats_with_label_indices()
    {
        using var dir = new TempDirectory();
        dir.Write("b-class/x.png", PngEncoder.Encode(new Image(2, 2, 3, Enumerable.Repeat((byte)255, 12).ToArray())));
        dir.Write("a-class/y.png", PngEncoder.Encode(new Image(4, 2, 1, new byte[8])));
        dir.Write("root.png", PngEncoder.Encode(new Image(3, 3, 1, Enumerable.Repeat((byte)51, 9).ToArray())));
        dir.Write("b-class/broken.png", [1, 2, 3]);

        var set = TensorDatasetLoader.Load(dir.Path, new Transforms.NormalizeOptions { Size = 4, Channels = 1 });

        Assert.Equal((3, 1, 4, 16), (set.Count, set.Channels, set.Size, set.ImageLength));
        Assert.Equal(["a-class", "b-class"], set.LabelNames);
        Assert.Equal([0, 1, -1], set.Labels); // folder order: a-class/y, b-class/x, root
        Assert.All(set.Image(0).ToArray(), v => Assert.Equal(0f, v));
        Assert.All(set.Image(1).ToArray(), v => Assert.Equal(1f, v));
        Assert.All(set.Image(2).ToArray(), v => Assert.Equal(0.2f, v, 5));
        Assert.Equal("b-class/broken.png", Assert.Single(set.Report.Skipped).Name);
    }
}
