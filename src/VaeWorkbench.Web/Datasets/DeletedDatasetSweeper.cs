using Microsoft.Extensions.Options;
using VaeWorkbench.Web.Options;

namespace VaeWorkbench.Web.Datasets;

/// <summary>
/// Deleting a dataset only marks it, because queued and running runs keep training on it. This sweep removes the
/// rows and files of deleted datasets once nothing refers to them any more.
/// </summary>
internal sealed class DeletedDatasetSweeper(IServiceScopeFactory scopes, IOptions<DatasetOptions> options, ILogger<DeletedDatasetSweeper> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(Math.Max(1, options.Value.PurgeIntervalSeconds)));
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var cleanup = scope.ServiceProvider.GetRequiredService<DatasetCleanup>();
                var purged = await cleanup.PurgeDeletedAsync(stoppingToken);
                if (purged > 0) logger.LogInformation("Purged {Count} deleted datasets no run uses any more", purged);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // A busy database or a locked file only postpones the sweep to the next tick.
                logger.LogWarning(e, "Purging deleted datasets failed; will retry");
            }
        }
    }
}
