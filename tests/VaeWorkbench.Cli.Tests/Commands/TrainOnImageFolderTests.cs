using System.IO.Compression;
using System.Text.Json;
using VaeWorkbench.Engine.IO;
using VaeWorkbench.Imaging;
using VaeWorkbench.Imaging.Formats;
using VaeWorkbench.Imaging.Formats.Png;

namespace VaeWorkbench.Cli.Tests.Commands;

/// <summary><c>vae train</c> on an image folder and on an ImageFolder ZIP, as the imaging readers deliver them.</summary>
public sealed class TrainOnImageFolderTests : IDisposable
{
    private readonly string _dir = CliHarness.TempDirectory();

    [Fact]
    public void Trains_on_a_class_folder_tree_and_on_the_same_tree_zipped()
    {
        var folder = WriteFashionFolder(Path.Combine(_dir, "images"), perClass: 40);
        var zip = Path.Combine(_dir, "images.zip");
        ZipFile.CreateFromDirectory(folder, zip);

        foreach (var data in new[] { folder, zip })
        {
            var model = Path.Combine(_dir, Path.GetFileName(data) + ".vae");
            var (code, stdout, stderr) = CliHarness.Run("train", "--data", data, "--epochs", "1", "--batch", "32", "--threads", "1", "--size", "32", "--out", model);
            Assert.True(code == 0, stderr);
            var epoch = JsonDocument.Parse(stdout.Trim().Split('\n').Single()).RootElement;
            Assert.Equal(JsonValueKind.Null, epoch.GetProperty("test_loss").ValueKind); // folders have no test split
            Assert.True(epoch.GetProperty("train_loss").GetDouble() > 0);
            var config = ModelFile.Load(model).Model.Config;
            Assert.Equal((1, 32, 32), (config.Channels, config.Height, config.Width));
        }
    }

    [Fact]
    public void A_model_trained_on_a_folder_scores_that_folder_without_naming_a_split()
    {
        var folder = WriteFashionFolder(Path.Combine(_dir, "images"), perClass: 20);
        var model = Path.Combine(_dir, "folder.vae");
        var (trained, _, trainError) = CliHarness.Run("train", "--data", folder, "--epochs", "1", "--batch", "32", "--threads", "1", "--out", model);
        Assert.True(trained == 0, trainError);

        var (code, stdout, stderr) = CliHarness.Run("score", "--model", model, "--data", folder, "--method", "recon", "--threads", "1");

        Assert.True(code == 0, stderr);
        var rows = stdout.Trim().Split('\n');
        Assert.Equal("index,label,score", rows[0]);
        Assert.Equal(60, rows.Length - 1);
        var (refused, _, error) = CliHarness.Run("score", "--model", model, "--data", folder, "--split", "test");
        Assert.Equal(1, refused);
        Assert.Contains("has no test split", error);
    }

    [Fact]
    public void A_folder_without_images_is_a_clear_error()
    {
        var empty = Directory.CreateDirectory(Path.Combine(_dir, "empty", "cats")).Parent!.FullName;
        File.WriteAllText(Path.Combine(empty, "cats", "notes.txt"), "not an image");
        var (code, _, stderr) = CliHarness.Run("train", "--data", empty, "--epochs", "1", "--out", Path.Combine(_dir, "m.vae"));
        Assert.Equal(1, code);
        Assert.Contains("no readable images", stderr);
        Assert.Contains("notes.txt", stderr);
    }

    private static string WriteFashionFolder(string root, int perClass)
    {
        var fashion = CliHarness.RequireFashionMnist();
        var images = IdxReader.ReadImages(Path.Combine(fashion, "t10k-images-idx3-ubyte.gz"));
        var labels = IdxReader.ReadLabels(Path.Combine(fashion, "t10k-labels-idx1-ubyte.gz"));
        var written = new Dictionary<int, int>();
        for (var i = 0; i < images.Count && written.Values.Sum() < 3 * perClass; i++)
        {
            int label = labels[i];
            if (label > 2 || written.GetValueOrDefault(label) >= perClass) continue;
            written[label] = written.GetValueOrDefault(label) + 1;
            var dir = Directory.CreateDirectory(Path.Combine(root, $"class{label}")).FullName;
            File.WriteAllBytes(Path.Combine(dir, $"{i:D5}.png"), PngEncoder.Encode(new Image(28, 28, 1, images.ImageBytes(i).ToArray())));
        }
        return root;
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
