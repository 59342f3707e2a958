using Microsoft.Extensions.Options;
using VaeWorkbench.Web.Options;

namespace VaeWorkbench.Web.Datasets;

/// <summary>
/// Turns datasets left Importing by a stopped server (their import lease lapsed) into Failed ones, so they never look
/// usable and never block the purge. Another live server's imports renew their leases and are not touched. It runs at
/// start-up, before requests, and then once a heartbeat: an import killed with its server shows Failed within about one
/// lease after the restart, not at the next purge.
/// </summary>
internal sealed class InterruptedImportRecovery(IServiceScopeFactory scopes, IOptions<DatasetOptions> options, ILogger<InterruptedImportRecovery> logger)
    : BackgroundService
{
    public override async Task StartAsync(CancellationToken ct)
    {
        await FailAbandonedAsync(ct);
        await base.StartAsync(ct);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(Math.Max(1, options.Value.ImportHeartbeatSeconds)));
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await FailAbandonedAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // A busy database only postpones the check to the next tick.
                logger.LogWarning(e, "Checking for abandoned dataset imports failed; will retry");
            }
        }
    }

    private async Task FailAbandonedAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var failed = await scope.ServiceProvider.GetRequiredService<DatasetCleanup>().FailInterruptedImportsAsync(ct);
        if (failed > 0) logger.LogWarning("Marked {Count} interrupted dataset imports as Failed", failed);
    }
}
