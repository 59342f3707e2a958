using VaeWorkbench.Web.Backups;
using VaeWorkbench.Web.Storage;

namespace VaeWorkbench.Web.Hosting;

/// <summary>
/// A sub-command that works on the configured data and exits instead of serving: <c>check-storage</c>, <c>backup --out
/// &lt;folder&gt;</c>, <c>restore --from &lt;folder&gt;</c>. Its own arguments are taken out; the rest configure the
/// host as usual (<c>--Storage:DataDirectory /srv/vae</c>), so a command sees exactly the server's settings.
/// </summary>
public sealed record MaintenanceCommand(string[] HostArgs, Func<IServiceProvider, TextWriter, Task<int>> RunAsync)
{
    /// <summary>The command <paramref name="args"/> asks for, or null to serve.</summary>
    public static MaintenanceCommand? Parse(string[] args) => args switch
    {
        [StorageCheckCommand.Name, .. var rest] => new(rest, StorageCheckCommand.RunAsync),
        [BackupCommand.Name, .. var rest] => WithFolder(BackupCommand.Name, BackupCommand.PathOption, rest, BackupCommand.RunAsync),
        [RestoreCommand.Name, .. var rest] => WithFolder(RestoreCommand.Name, RestoreCommand.PathOption, rest, RestoreCommand.RunAsync),
        _ => null,
    };

    private static MaintenanceCommand WithFolder(string name, string option, string[] rest, Func<IServiceProvider, string, TextWriter, Task<int>> run)
    {
        var at = Array.IndexOf(rest, option);
        if (at < 0 || at + 1 >= rest.Length || string.IsNullOrWhiteSpace(rest[at + 1]))
            return new(rest, (_, output) =>
            {
                output.WriteLine($"usage: VaeWorkbench.Web {name} {option} <folder> [--Storage:DataDirectory <folder>]");
                return Task.FromResult(2);
            });
        var folder = rest[at + 1];
        return new([.. rest[..at], .. rest[(at + 2)..]], (services, output) => run(services, folder, output));
    }
}
