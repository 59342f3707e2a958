using VaeWorkbench.Cli.Commands;

namespace VaeWorkbench.Cli;

/// <summary>Every command of <c>vae</c>; each lives in its own file under Commands/. The tests run this same table.</summary>
public static class CommandTable
{
    public static ICliCommand[] All() =>
    [
        new TrainCommand(),
        new ScoreCommand(),
        new GenerateCommand(),
        new BenchCommand(),
        new BenchMemoryCommand(),
        new BenchFidelityCommand(),
        new BenchAugmentCommand(),
        new OneClassCommand(),
        new ImageDecodeCommand(),
        new ImageInfoCommand(),
        new ImageFuzzCommand(),
        new DatasetZipCommand(),
        new ExportOnnxCommand(),
        new DbCopyCommand(),
    ];
}
