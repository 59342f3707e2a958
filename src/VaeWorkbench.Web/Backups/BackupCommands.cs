using Microsoft.Extensions.Options;
using VaeWorkbench.Web.Options;

namespace VaeWorkbench.Web.Backups;

/// <summary>
/// <c>VaeWorkbench.Web backup --out &lt;folder&gt;</c>: a consistent backup of the configured data folder into a new
/// folder, while a server may be serving and training on the same data (see <see cref="BackupWriter"/>). Exits 0 when
/// the backup is complete, 1 when it failed (nothing is left that looks like a backup).
/// </summary>
public static class BackupCommand
{
    public const string Name = "backup";
    public const string PathOption = "--out";

    public static Task<int> RunAsync(IServiceProvider services, string target, TextWriter output) =>
        BackupCommandRunner.RunAsync<BackupService>(services, output, "backup: FAILED: ", async backups =>
        {
            var result = await backups.BackUpAsync(target, BackupService.CommandTrigger);
            return [$"backup: ok: {result.Directory} ({result.Manifest.Files.Count} files, {result.Manifest.TotalBytes:N0} bytes, " +
                $"{result.LinkedBlobs} blobs hard-linked, schema {result.Manifest.SchemaMigration}) in {result.Duration.TotalSeconds:F1} s"];
        });
}

/// <summary>
/// <c>VaeWorkbench.Web restore --from &lt;folder&gt;</c>: restores a backup into the configured data folder, which must be
/// empty, verifying everything first and running the storage check last (see <see cref="BackupRestorer"/>). Exits 0 when
/// the data is restored and checked, 1 when the restore was refused (the target is left as it was).
/// </summary>
public static class RestoreCommand
{
    public const string Name = "restore";
    public const string PathOption = "--from";

    public static Task<int> RunAsync(IServiceProvider services, string backup, TextWriter output) =>
        BackupCommandRunner.RunAsync<BackupRestorer>(services, output, "restore: REFUSED: ", async restorer =>
        {
            // The restore writes a SQLite data folder; a server on PostgreSQL would never read it.
            if (services.GetRequiredService<IOptions<DatabaseOptions>>().Value.Provider != DatabaseProvider.Sqlite)
                throw new BackupException(BackupService.PostgresRestores);
            var result = await restorer.RestoreAsync(backup);
            return
            [
                $"storage check: ok ({result.Check.BlobsVerified} blobs and {result.Check.CheckpointsVerified} checkpoints verified)",
                $"restore: ok: {result.Manifest.Files.Count} files ({result.Manifest.TotalBytes:N0} bytes) from the backup of " +
                $"{result.Manifest.CreatedAt:u} into {result.DataDirectory} in {result.Duration.TotalSeconds:F1} s; start the server on it",
            ];
        });
}

/// <summary>What both commands share: one scope, the outcome printed, and an expected failure as one line and exit code 1.</summary>
internal static class BackupCommandRunner
{
    public static async Task<int> RunAsync<TService>(IServiceProvider services, TextWriter output, string failurePrefix, Func<TService, Task<string[]>> run)
        where TService : notnull
    {
        await using var scope = services.CreateAsyncScope();
        try
        {
            foreach (var line in await run(scope.ServiceProvider.GetRequiredService<TService>())) output.WriteLine(line);
            return 0;
        }
        catch (Exception e) when (e is BackupException or IOException or UnauthorizedAccessException)
        {
            output.WriteLine(failurePrefix + e.Message);
            return 1;
        }
    }
}
