using VaeWorkbench.Cli.Commands;

namespace VaeWorkbench.Cli.Tests;

/// <summary>Runs the <c>vae</c> commands in-process and captures what they print.</summary>
internal static class CliHarness
{
    public const string FashionMnist = "/usr/share/datasets/fashion-mnist";

    private static readonly ICliCommand[] Commands = [new TrainCommand(), new ScoreCommand(), new GenerateCommand(), new BenchCommand(), new OneClassCommand()];

    public static (int ExitCode, string Stdout, string Stderr) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = CommandRunner.Run(Commands, args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    public static string RequireFashionMnist()
    {
        if (!File.Exists(Path.Combine(FashionMnist, "train-images-idx3-ubyte.gz")))
            Assert.Fail($"{FashionMnist} is missing: apt-get install -y dataset-fashion-mnist (scripts/test.sh does this)");
        return FashionMnist;
    }

    public static string TempDirectory()
    {
        var path = Path.Combine(Path.GetTempPath(), "vae-cli-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }
}
