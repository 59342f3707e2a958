namespace VaeWorkbench.Web.Storage;

/// <summary>
/// Start-up cleanup after a crash (kill -9, power loss, a full disk): removes the leftovers <see cref="StorageOrphans"/>
/// finds, so no half-written file lingers and no file stays that the database does not know. Runs once before the
/// server accepts requests or resumes jobs; files still in use elsewhere are protected by the grace period.
/// </summary>
public static class StorageRecovery
{
    public static async Task RecoverStorageAsync(this IServiceProvider services, CancellationToken ct = default)
    {
        await using var scope = services.CreateAsyncScope();
        var logger = scope.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(StorageRecovery));
        var orphans = await scope.ServiceProvider.GetRequiredService<StorageOrphans>().FindAsync(ct);
        var removed = 0;
        foreach (var orphan in orphans)
        {
            try
            {
                File.Delete(orphan.Path);
                removed++;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                logger.LogWarning(e, "Could not remove {Kind} {Path}", orphan.Kind, orphan.Path);
            }
        }
        if (orphans.Count > 0)
            logger.LogWarning("Start-up cleanup removed {Removed} leftover files: {Kinds}", removed,
                string.Join(", ", orphans.GroupBy(o => o.Kind).Select(g => $"{g.Count()} {g.Key}")));
    }
}
