using System.Globalization;
using VaeWorkbench.Engine.IO;
using VaeWorkbench.Engine.Model;


namespace VaeWorkbench.Cli.Tests.Commands;

/// <summary><c>vae score</c> with a conditional model: each image is scored at its own class (it refused before, asking for classes).</summary>
public sealed class ConditionalScoreTests : IDisposable
{
    private readonly string _dir = CliHarness.TempDirectory();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Score_takes_each_image_at_its_own_class()
    {
        var data = CliHarness.RequireFashionMnist();
        var model = Path.Combine(_dir, "conditional.vae");
        var (code, _, stderr) = CliHarness.Run("train", "--data", data, "--conditional", "--epochs", "1", "--limit", "600", "--test-limit", "100", "--threads", "2", "--out", model);
        Assert.True(code == 0, stderr);

        (code, var stdout, stderr) = CliHarness.Run("score", "--model", model, "--data", data, "--method", "recon", "--limit", "50", "--threads", "1");
        Assert.True(code == 0, stderr);
        var rows = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(r => r.Split(',')).ToList();
        Assert.Equal(50, rows.Count);

        var vae = ModelFile.Load(model).Model;
        var test = DatasetLoader.Load(data, DatasetSplit.Test, 50);
        var own = vae.Score(test.Pixels, 50, ScoreMethod.Reconstruction, 1, 1, test.Labels);
        var other = vae.Score(test.Pixels, 50, ScoreMethod.Reconstruction, 1, 1, [.. test.Labels!.Select(l => (l + 1) % 10)]);
        for (var i = 0; i < 50; i++)
        {
            Assert.Equal(test.Labels![i].ToString(CultureInfo.InvariantCulture), rows[i][1]);
            Assert.Equal(own[i], double.Parse(rows[i][2], CultureInfo.InvariantCulture), 1e-3);
        }
        Assert.NotEqual(own, other); // the class matters
    }
}
