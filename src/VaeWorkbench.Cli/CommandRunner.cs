namespace VaeWorkbench.Cli;

/// <summary>Picks the command whose words match the start of the arguments and runs it with clean error reporting.</summary>
public static class CommandRunner
{
    public static int Run(IReadOnlyList<ICliCommand> commands, string[] args, TextWriter stdout, TextWriter stderr)
    {
        if (args.Length == 0 || args[0] is "--help" or "-h" or "help")
        {
            PrintOverview(commands, stdout);
            return args.Length == 0 ? 2 : 0;
        }

        // Longest match first, so "image decode" wins over a hypothetical "image".
        var match = commands
            .Select(c => (Command: c, Words: c.Name.Split(' ')))
            .Where(c => c.Words.Length <= args.Length && c.Words.SequenceEqual(args.Take(c.Words.Length), StringComparer.Ordinal))
            .OrderByDescending(c => c.Words.Length)
            .FirstOrDefault();
        if (match.Command is null)
        {
            stderr.WriteLine($"vae: unknown command '{string.Join(' ', args.TakeWhile(a => !a.StartsWith('-')))}'");
            PrintOverview(commands, stderr);
            return 2;
        }

        var command = match.Command;
        var rest = args.Skip(match.Words.Length).ToArray();
        if (rest.Contains("--help") || rest.Contains("-h"))
        {
            stdout.WriteLine(command.Usage);
            return 0;
        }

        using var cts = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) => { e.Cancel = true; cts.Cancel(); };
        Console.CancelKeyPress += onCancel;
        try
        {
            return command.Run(new CliArguments(rest), stdout, stderr, cts.Token);
        }
        catch (UsageException e)
        {
            stderr.WriteLine($"vae {command.Name}: {e.Message}");
            stderr.WriteLine(command.Usage);
            return 2;
        }
        catch (OperationCanceledException)
        {
            stderr.WriteLine($"vae {command.Name}: cancelled");
            return 130;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException or FormatException or InvalidOperationException or ArgumentException or NotSupportedException)
        {
            // Expected failures (bad files, bad data, bad state) get one clear line, not a stack trace.
            stderr.WriteLine($"vae {command.Name}: {e.Message}");
            return 1;
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

    private static void PrintOverview(IReadOnlyList<ICliCommand> commands, TextWriter writer)
    {
        writer.WriteLine("usage: vae <command> [options]   (vae <command> --help for details)");
        writer.WriteLine();
        foreach (var c in commands.OrderBy(c => c.Name, StringComparer.Ordinal))
            writer.WriteLine($"  {c.Name,-16} {c.Summary}");
    }
}
