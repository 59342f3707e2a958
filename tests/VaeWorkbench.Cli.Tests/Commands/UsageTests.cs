namespace VaeWorkbench.Cli.Tests.Commands;

public class UsageTests
{
    [Theory]
    [InlineData("train", "--out", "x.vae")]                                      // --data missing
    [InlineData("train", "--data", "/tmp", "--out", "x.vae", "--arch", "resnet")] // unknown choice
    [InlineData("train", "--data", "/tmp", "--out", "x.vae", "--epoch", "3")]    // typo is not ignored
    [InlineData("train", "--data", "/tmp", "--out", "x.vae", "--hidden", "400,x")]
    [InlineData("score", "--model", "m.vae")]
    [InlineData("generate", "--model", "m.vae", "--out", "d", "--count", "0")]
    public void BadCommandLinesExitWithUsage(params string[] args)
    {
        var (code, _, stderr) = CliHarness.Run(args);
        Assert.Equal(2, code);
        Assert.Contains("usage: vae", stderr);
    }

    [Theory]
    [InlineData("--lr", "50", "--lr must be greater than 0 and at most 1 (got 50)")]
    [InlineData("--epochs", "0", "--epochs must be between 1 and 100000 (got 0)")]
    [InlineData("--batch", "0", "--batch must be between 1 and 65536 (got 0)")]
    [InlineData("--latent", "2.5", "--latent must be a whole number between 1 and 1024 (got 2.5)")]
    [InlineData("--free-bits", "-1", "--free-bits must be between 0 and 100 (got -1)")]
    public void OutOfRangeSettingsAreRefusedInTheWordsOfTheFormAndTheApi(string flag, string value, string message)
    {
        var (code, _, stderr) = CliHarness.Run("train", "--data", "/tmp", "--out", "x.vae", flag, value);
        Assert.Equal(2, code);
        Assert.Contains(message, stderr);
    }

    [Fact]
    public void MissingDataDirectoryIsAClearError()
    {
        var (code, _, stderr) = CliHarness.Run("train", "--data", "/nonexistent/fashion", "--out", "/tmp/x.vae");
        Assert.Equal(1, code);
        Assert.Contains("does not exist", stderr);
    }

    [Fact]
    public void DirectoryWithoutIdxFilesIsAClearError()
    {
        var dir = CliHarness.TempDirectory();
        try
        {
            var (code, _, stderr) = CliHarness.Run("train", "--data", dir, "--out", Path.Combine(dir, "x.vae"));
            Assert.Equal(1, code);
            Assert.Contains("train-images-idx3-ubyte", stderr);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void BenchMeasuresAShortEpoch()
    {
        CliHarness.RequireFashionMnist();
        var (code, stdout, stderr) = CliHarness.Run("bench", "--skip-gemm", "--arch", "mlp", "--limit", "256", "--threads", "1");
        Assert.True(code == 0, stderr);
        Assert.Contains("\"bench\":\"epoch\"", stdout);
        Assert.Contains("\"img_per_s\":", stdout);
    }

    [Fact]
    public void BenchTrainsTheSixtyFourPixelRgbPresetAndReportsItsWork()
    {
        var (code, stdout, stderr) = CliHarness.Run("bench", "--skip-gemm", "--arch", "conv64", "--limit", "48", "--warmup", "1", "--threads", "1");
        Assert.True(code == 0, stderr);
        var epoch = System.Text.Json.JsonDocument.Parse(stdout.Trim().Split('\n').Single()).RootElement;
        Assert.Equal("conv64", epoch.GetProperty("arch").GetString());
        Assert.Equal(48, epoch.GetProperty("images").GetInt32());
        // Forward, weight gradient and input gradient of each layer (no input gradient for the first conv), as a GEMM counts them.
        Assert.Equal(242.29, epoch.GetProperty("mflop_per_image").GetDouble(), 2);
        Assert.True(epoch.GetProperty("gflops").GetDouble() > 0);
    }

    [Fact]
    public void BenchGemmOnlyStopsAfterTheGemmFigures()
    {
        var (code, stdout, stderr) = CliHarness.Run("bench", "--gemm-only", "--threads", "1");
        Assert.True(code == 0, stderr);
        Assert.All(stdout.Trim().Split('\n'), line => Assert.Contains("\"kernel\":\"sgemm\"", line));
    }

    [Theory]
    [InlineData("bench fidelity", "--temperature", "1,0.05", "--temperature must be a comma-separated list of numbers between 0.1 and 2 (got '0.05')")]
    [InlineData("bench fidelity", "--judge-shift", "9", "--judge-shift must be between 0 and 8 (got 9)")]
    [InlineData("bench fidelity", "--judge-schedule", "step", "--judge-schedule must be one of constant|cosine (got 'step')")]
    [InlineData("bench augment", "--real-share", "pooled,1", "--real-share must be a comma-separated list of 'pooled' or numbers between 0 and 1, exclusive (got '1')")]
    [InlineData("bench augment", "--generation", "per-class,prior", "--generation must be a comma-separated list of one of variations|per-class (got 'prior')")]
    [InlineData("bench augment", "--temperature", "3", "--temperature must be between 0.1 and 2 (got 3)")]
    [InlineData("bench augment", "--counts", "100,x", "--counts must be a comma-separated list of whole numbers between 1 and 10000 (got 'x')")]
    public void BenchOptionsOutOfRangeAreRefusedBeforeAnyWork(string command, string flag, string value, string message)
    {
        var (code, _, stderr) = CliHarness.Run([.. command.Split(' '), "--data", "/nonexistent", flag, value]);
        Assert.Equal(2, code);
        Assert.Contains(message, stderr);
    }
}
