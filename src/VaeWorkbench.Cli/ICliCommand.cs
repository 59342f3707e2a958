namespace VaeWorkbench.Cli;

/// <summary>One verb of the <c>vae</c> command line, such as <c>train</c> or <c>image decode</c>.</summary>
public interface ICliCommand
{
    /// <summary>The words that select the command, for example "image decode".</summary>
    string Name { get; }

    /// <summary>A one-line description for <c>vae --help</c>.</summary>
    string Summary { get; }

    /// <summary>The usage text printed for <c>--help</c> and after a usage error.</summary>
    string Usage { get; }

    /// <summary>Runs the command and returns the process exit code.</summary>
    int Run(CliArguments args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken);
}
