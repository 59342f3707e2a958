namespace VaeWorkbench.Web.Datasets;

/// <summary>
/// At start-up, turns datasets left Importing by a stopped server (their import lease lapsed) into Failed ones, so they
/// never look usable and never block the purge. Another live server's imports renew their leases and are not touched.
/// </summary>
internal sealed class InterruptedImportRecovery(IServiceScopeFactory scopes, ILogger<InterruptedImportRecovery> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var failed = await scope.ServiceProvider.GetRequiredService<DatasetCleanup>().FailInterruptedImportsAsync(ct);
        if (failed > 0) logger.LogWarning("Marked {Count} interrupted dataset imports as Failed", failed);
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
}
