using VaeWorkbench.Cli;

return CommandRunner.Run(CommandTable.All(), args, Console.Out, Console.Error);
