using System.IO.Compression;
using VaeWorkbench.Imaging;
using VaeWorkbench.Imaging.Formats;

namespace VaeWorkbench.Cli.Tests.Commands;

/// <summary><c>vae dataset zip</c>: an IDX split written as an ImageFolder ZIP that holds exactly the source's pixels and labels.</summary>
public sealed class DatasetZipCommandTests : IDisposable
{
    private static readonly string[] Fashion = ["T-shirt", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];
    private readonly string _dir = CliHarness.TempDirectory();

    [Fact]
    public void Writes_the_test_split_as_class_folders_of_lossless_pngs()
    {
        var data = CliHarness.RequireFashionMnist();
        var zipPath = Path.Combine(_dir, "fashion-test.zip");

        var (code, stdout, stderr) = CliHarness.Run("dataset", "zip", "--data", data, "--limit", "120", "--classes", string.Join(',', Fashion), "--out", zipPath);

        Assert.True(code == 0, stderr);
        Assert.Contains("120 images of 1x28x28", stdout);
        Assert.False(File.Exists(zipPath + ".partial"));
        var images = IdxReader.ReadImages(Path.Combine(data, "t10k-images-idx3-ubyte.gz"));
        var labels = IdxReader.ReadLabels(Path.Combine(data, "t10k-labels-idx1-ubyte.gz"));
        using var zip = ZipFile.OpenRead(zipPath);
        Assert.Equal(120, zip.Entries.Count);
        for (var i = 0; i < 120; i++)
        {
            var entry = zip.GetEntry($"{Fashion[labels[i]]}/{i:D3}.png");
            Assert.True(entry is not null, $"image {i} of class {Fashion[labels[i]]} is missing");
            using var stream = entry.Open();
            var decoded = ImageDecoder.Decode(stream);
            Assert.Equal((28, 28, 1), (decoded.Width, decoded.Height, decoded.Channels));
            Assert.True(images.ImageBytes(i).SequenceEqual(decoded.Pixels), $"image {i}'s pixels differ from the IDX file");
        }
    }

    [Fact]
    public void Without_class_names_folders_are_the_label_numbers()
    {
        var zipPath = Path.Combine(_dir, "numbers.zip");
        var (code, _, stderr) = CliHarness.Run("dataset", "zip", "--data", CliHarness.RequireFashionMnist(), "--split", "train", "--limit", "10", "--out", zipPath);

        Assert.True(code == 0, stderr);
        using var zip = ZipFile.OpenRead(zipPath);
        Assert.All(zip.Entries, e => Assert.Matches(@"^\d/\d{2}\.png$", e.FullName));
    }

    [Fact]
    public void Only_keeps_the_named_classes_and_refuses_an_unknown_one()
    {
        var data = CliHarness.RequireFashionMnist();
        var zipPath = Path.Combine(_dir, "normal.zip");
        var (code, stdout, stderr) = CliHarness.Run("dataset", "zip", "--data", data, "--limit", "200", "--classes", string.Join(',', Fashion), "--only", "Trouser,7", "--out", zipPath);

        Assert.True(code == 0, stderr);
        var labels = IdxReader.ReadLabels(Path.Combine(data, "t10k-labels-idx1-ubyte.gz")).Take(200).ToArray();
        var expected = labels.Count(l => l is 1 or 7);
        Assert.Contains($"{expected} images", stdout);
        using (var zip = ZipFile.OpenRead(zipPath))
        {
            Assert.Equal(expected, zip.Entries.Count);
            Assert.All(zip.Entries, e => Assert.True(e.FullName.StartsWith("Trouser/") || e.FullName.StartsWith("Sneaker/"), e.FullName));
        }

        var (refused, _, error) = CliHarness.Run("dataset", "zip", "--data", data, "--limit", "200", "--only", "Sneakers", "--out", Path.Combine(_dir, "none.zip"));
        Assert.NotEqual(0, refused);
        Assert.Contains("the dataset has no class 'Sneakers'", error);
    }

    [Fact]
    public void A_class_name_that_cannot_be_a_folder_is_refused_by_name()
    {
        var zipPath = Path.Combine(_dir, "bad.zip");
        var (code, _, stderr) = CliHarness.Run("dataset", "zip", "--data", CliHarness.RequireFashionMnist(), "--classes", "a,../b", "--out", zipPath);

        Assert.NotEqual(0, code);
        Assert.Contains("'../b' cannot be a folder name", stderr);
        Assert.False(File.Exists(zipPath));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
