using System.Diagnostics;
using VaeWorkbench.Web.Tests.Infrastructure;

namespace VaeWorkbench.Web.Tests.OpenApi;

/// <summary>
/// Redocly's CLI (pinned in tests/openapi-lint) lints the document with its recommended rules, as configured in
/// tests/openapi-lint/redocly.yaml: no error may remain. Not installed is a failure that says how to install it.
/// </summary>
public sealed class OpenApiLintTests(OpenApiDocumentFixture document) : IClassFixture<OpenApiDocumentFixture>
{
    private const string InstallCommand = "npm ci --prefix tests/openapi-lint";

    [Fact]
    public async Task Redocly_finds_no_error_in_the_document()
    {
        var lintDirectory = Path.Combine(Repository.Root(), "tests", "openapi-lint");
        var cli = Path.Combine(lintDirectory, "node_modules", "@redocly", "cli", "bin", "cli.js");
        Assert.True(File.Exists(cli), $"Redocly's CLI is not installed. From the repository root run: {InstallCommand} (scripts/test.sh does).");

        var file = Path.Combine(Path.GetTempPath(), $"vwb-openapi-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, document.Json);
        try
        {
            var (exitCode, output) = await RunAsync(lintDirectory, "node", cli, "lint", "--config", "redocly.yaml", file);
            Assert.True(exitCode == 0, $"redocly lint exited {exitCode}:\n{output}");
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string directory, string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        // No usage reports and no update check: the lint must not depend on the network.
        start.Environment["REDOCLY_TELEMETRY"] = "off";
        start.Environment["REDOCLY_SUPPRESS_UPDATE_NOTICE"] = "true";
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {program}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }
}
