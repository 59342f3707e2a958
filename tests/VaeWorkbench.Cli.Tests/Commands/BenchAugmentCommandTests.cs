using System.Text.Json;

namespace VaeWorkbench.Cli.Tests.Commands;

public class BenchAugmentCommandTests
{
    [Fact]
    public void Every_candidate_is_scored_on_validation_the_best_is_chosen_and_the_cvae_is_reused_from_its_directory()
    {
        var data = CliHarness.RequireFashionMnist();
        var dir = CliHarness.TempDirectory();
        try
        {
            string[] args = ["bench", "augment", "--data", data, "--real-per-class", "4", "--validation-per-class", "3", "--counts", "2,3",
                "--generation", "per-class,variations", "--real-share", "pooled,0.5", "--seeds", "1", "--cvae-epochs", "1",
                "--cvae-dir", dir, "--classifier-steps", "3", "--threads", "1"];
            var (code, stdout, stderr) = CliHarness.Run(args);
            Assert.True(code == 0, stderr);
            var seed = JsonDocument.Parse(stdout.Split('\n')[0]).RootElement;
            var candidates = seed.GetProperty("validation_by_candidate").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetDouble());
            Assert.Equal(
                ["per-class/2/pooled", "per-class/2/0.5", "per-class/3/pooled", "per-class/3/0.5",
                 "variations/2/pooled", "variations/2/0.5", "variations/3/pooled", "variations/3/0.5"],
                candidates.Keys);
            var chosen = seed.GetProperty("chosen").GetString()!;
            Assert.Equal(candidates.Values.Max(), candidates[chosen]);
            Assert.Contains("| all |", stdout);
            // Per-class test accuracy of both arms in every seed's line, so a run stopped early still has its table.
            Assert.Equal(10, seed.GetProperty("test_plain_per_class").EnumerateObject().Count());
            Assert.Equal(10, seed.GetProperty("test_augmented_per_class").EnumerateObject().Count());
            var cvae = Path.Combine(dir, "cvae-s1-r4-e1.vae");
            Assert.True(File.Exists(cvae));

            // A second run reads that file instead of training again: spoil it, and the run fails on it.
            File.WriteAllText(cvae, "not a model");
            var (again, _, againErr) = CliHarness.Run(args);
            Assert.NotEqual(0, again);
            Assert.NotEmpty(againErr);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
