using VaeWorkbench.Cli;

// Each command lives in its own file under Commands/; this table is the only place that lists them.
ICliCommand[] commands =
[
];

return CommandRunner.Run(commands, args, Console.Out, Console.Error);
