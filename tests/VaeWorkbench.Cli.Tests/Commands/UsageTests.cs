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
}
