using System.Text.Json;

namespace VaeWorkbench.Cli.Tests.Commands;

public sealed class OneClassCommandTests
{
    [Fact]
    public void PrintsAnAurocPerMethodForEachClassAndTheMean()
    {
        var data = CliHarness.RequireFashionMnist();
        var (code, stdout, stderr) = CliHarness.Run("oneclass", "--data", data, "--epochs", "1", "--classes", "1,7", "--methods", "recon,latent", "--test-limit", "300", "--threads", "2");
        Assert.True(code == 0, stderr);
        var rows = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(3, rows.Count);
        Assert.Equal([1, 7], rows.Take(2).Select(r => r.GetProperty("class").GetInt32()));
        Assert.All(rows.Take(2), r =>
        {
            Assert.Equal(6000, r.GetProperty("train_images").GetInt32());
            Assert.Equal(1, r.GetProperty("epochs").GetInt32());
            // Trousers and sneakers stand apart from the other classes: even one epoch separates them well.
            Assert.InRange(r.GetProperty("recon").GetDouble(), 0.7, 1);
            Assert.InRange(r.GetProperty("latent").GetDouble(), 0.6, 1);
        });
        Assert.Equal("mean", rows[2].GetProperty("class").GetString());
        Assert.Equal((rows[0].GetProperty("recon").GetDouble() + rows[1].GetProperty("recon").GetDouble()) / 2, rows[2].GetProperty("recon").GetDouble(), 3);
        var (bad, _, badErr) = CliHarness.Run("oneclass", "--data", data, "--methods", "likelihood");
        Assert.NotEqual(0, bad);
        Assert.Contains("unknown method 'likelihood'", badErr);
    }
}
