using System.IO.Compression;
using VaeWorkbench.Imaging.Datasets;
using VaeWorkbench.Imaging.Tests.Support;

namespace VaeWorkbench.Imaging.Tests;

public class ImageFolderExportWriterTests
{
    [Fact]
    public void ZipHoldsNumberedClassFoldersThenManifestAndProvenance()
    {
        var output = new WriteOnlyStream();
        using (var writer = ImageFolderExportWriter.ToZip(output, "m,1", "per-class", "7"))
        {
            writer.Add("cat", ExportSource.Generated, 12.5, (byte[])[1, 2, 3]);
            writer.Add(null, ExportSource.Generated, null, (byte[])[4]);
            writer.Add("cat", ExportSource.Generated, double.NaN, (byte[])[5]);
            writer.Add("cat", ExportSource.Original, null, (byte[])[6]);
            writer.Finish("{\"a\":1}");
        }
        using var zip = new ZipArchive(new MemoryStream(output.Inner.ToArray()), ZipArchiveMode.Read);
        Assert.Equal(["cat/000001.png", "unlabeled/000001.png", "cat/000002.png", "cat/original_000001.png", "manifest.csv", "provenance.json"],
            zip.Entries.Select(e => e.FullName));
        Assert.Equal([1, 2, 3], Read(zip, "cat/000001.png"));
        var manifest = System.Text.Encoding.UTF8.GetString(Read(zip, "manifest.csv"));
        Assert.Equal("""
            file,class,source,model,mode,seed,score
            cat/000001.png,cat,generated,"m,1",per-class,7,12.5
            unlabeled/000001.png,,generated,"m,1",per-class,7,
            cat/000002.png,cat,generated,"m,1",per-class,7,
            cat/original_000001.png,cat,original,"m,1",per-class,7,

            """.ReplaceLineEndings("\n"), manifest);
        Assert.Equal("{\"a\":1}"u8.ToArray(), Read(zip, "provenance.json"));
    }

    [Theory]
    [InlineData("../etc", ".._etc")]
    [InlineData("a/b", "a_b")]
    [InlineData("..", "_..")]
    [InlineData("  ", "unlabeled")]
    [InlineData("Ankle boot", "Ankle boot")]
    public void ClassNamesBecomeOneSafePathSegment(string className, string folder) =>
        Assert.Equal(folder, ImageFolderExportWriter.FolderName(className));

    private static byte[] Read(ZipArchive zip, string name)
    {
        using var stream = zip.GetEntry(name)!.Open();
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
