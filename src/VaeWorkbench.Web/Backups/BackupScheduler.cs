using Microsoft.Extensions.Options;
using VaeWorkbench.Web.Options;

namespace VaeWorkbench.Web.Backups;

/// <summary>
/// Runs <see cref="BackupService.BackUpOnScheduleAsync"/> every <see cref="BackupOptions.IntervalHours"/>, counted from the
/// last backup of any kind (so a restart does not back up again at once); the first one runs at start-up when no
/// backup was ever made. A failed backup is logged at Error and recorded for the administrator; the server carries on.
/// </summary>
internal sealed class BackupScheduler(BackupService backups, IOptions<BackupOptions> options, TimeProvider clock, ILogger<BackupScheduler> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Scheduled) return;
        var interval = TimeSpan.FromHours(options.Value.IntervalHours);
        var last = backups.Status().LastAttempt?.FinishedAt;
        while (!stoppingToken.IsCancellationRequested)
        {
            var wait = last is { } previous ? previous + interval - clock.GetUtcNow() : TimeSpan.Zero;
            try
            {
                if (wait > TimeSpan.Zero) await Task.Delay(wait, clock, stoppingToken);
                else await Task.Yield(); // never hold up start-up
                await backups.BackUpOnScheduleAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                log.LogError(e, "Scheduled backup into {Directory} failed: {Reason}", options.Value.ResolveDirectory(), e.Message);
            }
            last = clock.GetUtcNow();
        }
    }
}
