using VaeWorkbench.Cli;
using VaeWorkbench.Cli.Commands;

// Each command lives in its own file under Commands/; this table is the only place that lists them.
ICliCommand[] commands =
[
    new TrainCommand(),
    new ScoreCommand(),
    new GenerateCommand(),
    new BenchCommand(),
    new OneClassCommand(),
    new ImageDecodeCommand(),
    new ImageInfoCommand(),
    new ImageFuzzCommand(),
];

return CommandRunner.Run(commands, args, Console.Out, Console.Error);
