using System.Text.Json;

namespace VaeWorkbench.Cli.Tests.Commands;

/// <summary>train -> score -> generate on a small slice of real Fashion-MNIST, in-process.</summary>
public sealed class ModelCommandsTests : IDisposable
{
    private readonly string _dir = CliHarness.TempDirectory();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string TrainSmallModel(string arch = "mlp", int epochs = 2, bool includeTrainingState = false)
    {
        var data = CliHarness.RequireFashionMnist();
        var model = Path.Combine(_dir, "m.vae");
        string[] state = includeTrainingState ? ["--include-training-state"] : [];
        var (code, stdout, stderr) = CliHarness.Run(["train", "--data", data, "--arch", arch, "--epochs", epochs.ToString(), "--limit", "600", "--test-limit", "200", "--threads", "2", "--out", model, .. state]);
        Assert.True(code == 0, stderr);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(epochs, lines.Length);
        return model;
    }

    [Fact]
    public void TrainPrintsOneJsonLinePerEpochAndWritesAModel()
    {
        var data = CliHarness.RequireFashionMnist();
        var model = Path.Combine(_dir, "m.vae");
        var (code, stdout, stderr) = CliHarness.Run("train", "--data", data, "--epochs", "2", "--limit", "600", "--test-limit", "200", "--threads", "2", "--out", model);
        Assert.True(code == 0, stderr);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal([1, 2], lines.Select(l => l.GetProperty("epoch").GetInt32()));
        foreach (var line in lines)
        {
            foreach (var key in new[] { "train_loss", "test_loss", "recon", "kl", "epoch_s", "img_per_s" })
                Assert.True(line.GetProperty(key).GetDouble() > 0, key);
            Assert.Equal(line.GetProperty("recon").GetDouble() + line.GetProperty("kl").GetDouble(), line.GetProperty("train_loss").GetDouble(), 2);
        }
        Assert.True(lines[1].GetProperty("train_loss").GetDouble() < lines[0].GetProperty("train_loss").GetDouble());
        Assert.True(File.Exists(model));
    }

    [Fact]
    public void ResumeContinuesACheckpoint()
    {
        var data = CliHarness.RequireFashionMnist();
        var model = TrainSmallModel(epochs: 1, includeTrainingState: true);
        Assert.Equal(Engine.IO.ModelFileContents.Training, Engine.IO.ModelFile.Load(model).Contents);
        var resumed = Path.Combine(_dir, "r.vae");
        var (code, stdout, stderr) = CliHarness.Run("train", "--data", data, "--resume", model, "--epochs", "2", "--limit", "600", "--test-limit", "200", "--out", resumed);
        Assert.True(code == 0, stderr);
        Assert.Equal(2, JsonDocument.Parse(stdout.Trim()).RootElement.GetProperty("epoch").GetInt32());
        // The continued file keeps its training state, so it can be resumed again.
        Assert.True(Engine.IO.ModelFile.Load(resumed).CanResume);
    }

    [Fact]
    public void TrainWritesAnInferenceFileByDefaultAndResumeRefusesIt()
    {
        var data = CliHarness.RequireFashionMnist();
        var model = TrainSmallModel(epochs: 1);
        var loaded = Engine.IO.ModelFile.Load(model);
        Assert.Equal(Engine.IO.ModelFileContents.Inference, loaded.Contents);
        Assert.Equal("inference", loaded.Metadata["contents"]);
        Assert.Single(loaded.History);
        var (code, _, stderr) = CliHarness.Run("train", "--data", data, "--resume", model, "--epochs", "2", "--limit", "600", "--out", Path.Combine(_dir, "r.vae"));
        Assert.Equal(1, code);
        Assert.Contains("cannot resume", stderr);
        Assert.Contains("--include-training-state", stderr);
        Assert.False(File.Exists(Path.Combine(_dir, "r.vae")));
    }

    [Theory]
    [InlineData("recon")]
    [InlineData("elbo")]
    [InlineData("iwae")]
    [InlineData("latent")]
    [InlineData("complexity")]
    public void ScorePrintsOneCsvRowPerImage(string method)
    {
        var model = TrainSmallModel();
        var (code, stdout, stderr) = CliHarness.Run("score", "--model", model, "--data", CliHarness.FashionMnist, "--method", method, "--k", "5", "--limit", "50");
        Assert.True(code == 0, stderr);
        var rows = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("index,label,score", rows[0]);
        Assert.Equal(51, rows.Length);
        var first = rows[1].Split(',');
        Assert.Equal("0", first[0]);
        Assert.Equal("9", first[1]); // the first Fashion-MNIST test image is an ankle boot (class 9)
        var score = double.Parse(first[2], System.Globalization.CultureInfo.InvariantCulture);
        // complexity is −ELBO minus the PNG length, which can be negative; every other score is positive
        Assert.True(method == "complexity" ? double.IsFinite(score) : score > 0, first[2]);
    }

    [Fact]
    public void LatentFitsToTheTrainingDataWhenGivenAndSaysSoOtherwise()
    {
        var model = TrainSmallModel();
        var (code, withFit, stderr) = CliHarness.Run("score", "--model", model, "--data", CliHarness.FashionMnist, "--method", "latent", "--limit", "20", "--fit", CliHarness.FashionMnist, "--fit-limit", "600");
        Assert.True(code == 0, stderr);
        Assert.DoesNotContain("scored images themselves", stderr);
        var (code2, selfFit, stderr2) = CliHarness.Run("score", "--model", model, "--data", CliHarness.FashionMnist, "--method", "latent", "--limit", "20");
        Assert.True(code2 == 0, stderr2);
        Assert.Contains("scored images themselves", stderr2);
        Assert.NotEqual(withFit, selfFit); // a different reference gives different distances
        var (code3, _, stderr3) = CliHarness.Run("score", "--model", model, "--data", CliHarness.FashionMnist, "--method", "elbo", "--fit", CliHarness.FashionMnist);
        Assert.NotEqual(0, code3);
        Assert.Contains("--fit applies only to --method latent", stderr3);
    }

    [Fact]
    public void GenerateWritesPngsReproduciblyFromTheSeed()
    {
        var model = TrainSmallModel(arch: "conv", epochs: 1);
        string[] Generate(string folder, string seed)
        {
            var output = Path.Combine(_dir, folder);
            var (code, stdout, stderr) = CliHarness.Run("generate", "--model", model, "--count", "5", "--seed", seed, "--out", output);
            Assert.True(code == 0, stderr);
            Assert.Contains("generated 5, kept 5", stdout);
            return Directory.GetFiles(Path.Combine(output, "unlabeled")).Order().ToArray();
        }
        var first = Generate("a", "4");
        var again = Generate("b", "4");
        var other = Generate("c", "5");
        Assert.Equal(["000001.png", "000002.png", "000003.png", "000004.png", "000005.png"], first.Select(Path.GetFileName));
        var image = VaeWorkbench.Imaging.Formats.Png.PngDecoder.Decode(File.ReadAllBytes(first[0]));
        Assert.Equal((28, 28, 1), (image.Width, image.Height, image.Channels));
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(File.ReadAllBytes(first[i]), File.ReadAllBytes(again[i]));
            Assert.NotEqual(File.ReadAllBytes(first[i]), File.ReadAllBytes(other[i]));
        }
    }

    [Fact]
    public void Chunks_generated_on_parallel_model_replicas_give_the_files_of_one_thread()
    {
        var model = TrainSmallModel();
        Dictionary<string, byte[]> Generate(string threads)
        {
            var zipPath = Path.Combine(_dir, $"t{threads}.zip");
            // Three chunks, so two threads each take whole chunks and the writer must put them back in order.
            var (code, _, stderr) = CliHarness.Run("generate", "--model", model, "--data", CliHarness.FashionMnist, "--mode", "per-class",
                "--count", "2500", "--seed", "3", "--threads", threads, "--out", zipPath);
            Assert.True(code == 0, stderr);
            using var zip = System.IO.Compression.ZipFile.OpenRead(zipPath);
            return zip.Entries.Where(e => e.FullName != "provenance.json").ToDictionary(e => e.FullName, e =>
            {
                using var stream = e.Open();
                using var copy = new MemoryStream();
                stream.CopyTo(copy);
                return copy.ToArray();
            });
        }
        var one = Generate("1");
        var two = Generate("2");
        Assert.Equal(2501, one.Count); // images and manifest.csv
        Assert.Equal(one.Keys.Order(), two.Keys.Order());
        foreach (var (name, bytes) in one) Assert.True(bytes.AsSpan().SequenceEqual(two[name]), $"{name} differs");
    }

    [Fact]
    public void PerClassGenerationWritesAZipInImageFolderLayoutWithManifestAndProvenance()
    {
        var model = TrainSmallModel();
        var zipPath = Path.Combine(_dir, "set.zip");
        var (code, stdout, stderr) = CliHarness.Run("generate", "--model", model, "--data", CliHarness.FashionMnist, "--mode", "per-class",
            "--classes", "3,7", "--count", "6", "--seed", "2", "--out", zipPath);
        Assert.True(code == 0, stderr);
        using var zip = System.IO.Compression.ZipFile.OpenRead(zipPath);
        Assert.Equal(["3/000001.png", "3/000002.png", "3/000003.png", "7/000001.png", "7/000002.png", "7/000003.png", "manifest.csv", "provenance.json"],
            zip.Entries.Select(e => e.FullName).Order(StringComparer.Ordinal));
        using var reader = new StreamReader(zip.GetEntry("manifest.csv")!.Open());
        var rows = reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("file,class,source,model,mode,seed,score", rows[0]);
        Assert.Equal("3/000001.png,3,generated,m.vae,per-class,2,", rows[1]);
        Assert.Equal("7/000001.png,7,generated,m.vae,per-class,2,", rows[2]);
        Assert.Equal(7, rows.Length);
        var provenance = JsonDocument.Parse(zip.GetEntry("provenance.json")!.Open()).RootElement;
        Assert.Equal("per-class", provenance.GetProperty("mode").GetString());
        Assert.Equal(6, provenance.GetProperty("kept").GetInt32());
        Assert.Equal([3, 7], provenance.GetProperty("classes").EnumerateArray().Select(e => e.GetInt32()));
    }

    [Fact]
    public void TheDistanceFilterOptionsReachTheGeneratorAndVariationsKeepTheirSourcesLabel()
    {
        var model = TrainSmallModel();
        // Zero spread decodes each source image's mean code: all within 100 of some training image, none kept.
        var (code, stdout, stderr) = CliHarness.Run("generate", "--model", model, "--data", CliHarness.FashionMnist, "--mode", "variations",
            "--images", "0,1", "--spread", "0", "--count", "4", "--min-distance", "100", "--out", Path.Combine(_dir, "v"));
        Assert.True(code == 0, stderr);
        Assert.Contains("generated 4, kept 0", stdout);
        (code, stdout, stderr) = CliHarness.Run("generate", "--model", model, "--data", CliHarness.FashionMnist, "--mode", "variations",
            "--images", "0,1", "--spread", "0", "--count", "4", "--min-distance", "0", "--out", Path.Combine(_dir, "w"));
        Assert.True(code == 0, stderr);
        Assert.Contains("generated 4, kept 4", stdout);
        // Labels follow the source image: training images 0 and 1 are classes 9 and 0.
        Assert.Equal(2, Directory.GetFiles(Path.Combine(_dir, "w", "9")).Length);
        Assert.Equal(2, Directory.GetFiles(Path.Combine(_dir, "w", "0")).Length);
    }

    [Fact]
    public void ModesThatNeedDataSaySo()
    {
        var (code, _, stderr) = CliHarness.Run("generate", "--model", "m.vae", "--out", _dir, "--mode", "per-class");
        Assert.Equal(2, code);
        Assert.Contains("--data is needed", stderr);
    }

    [Fact]
    public void CorruptModelFileIsAOneLineError()
    {
        var model = Path.Combine(_dir, "bad.vae");
        File.WriteAllBytes(model, [1, 2, 3, 4, 5, 6, 7, 8, 9]);
        var (code, _, stderr) = CliHarness.Run("generate", "--model", model, "--out", _dir);
        Assert.Equal(1, code);
        Assert.Contains("vae generate:", stderr);
        Assert.Contains("header length", stderr);
        Assert.DoesNotContain("   at ", stderr); // no stack trace
    }
}
