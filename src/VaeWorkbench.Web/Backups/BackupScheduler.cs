using Microsoft.Extensions.Options;
using VaeWorkbench.Web.Options;

namespace VaeWorkbench.Web.Backups;

/// <summary>
/// Runs <see cref="BackupService.BackUpOnScheduleAsync"/> every <see cref="BackupOptions.IntervalHours"/>, counted from the
/// last backup of any kind (so a restart does not back up again at once); the first one runs at start-up when no
/// backup was ever made. A failed backup is logged at Error and recorded for the administrator; the server carries on.
/// It runs on servers that serve the UI (roles web and all, never on a worker). Several of them on one data folder back
/// up once per interval between them: the one that takes <see cref="BackupScheduleLock"/> backs up, and the others find
/// its attempt in the shared status file and wait for the next interval.
/// </summary>
internal sealed class BackupScheduler(BackupService backups, IOptions<BackupOptions> options, IOptions<StorageOptions> storage, TimeProvider clock,
    ILogger<BackupScheduler> log) : BackgroundService
{
    /// <summary>How long a server waits before it looks again while another server holds the lock (it is backing up).</summary>
    internal static readonly TimeSpan BusyRetry = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Scheduled) return;
        var interval = TimeSpan.FromHours(options.Value.IntervalHours);
        DateTimeOffset? triedHere = null;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // Read afresh each time: another server's backup (or the backup command's) counts as this one's.
                var wait = Due(interval, triedHere) - clock.GetUtcNow();
                if (wait > TimeSpan.Zero) await Task.Delay(wait, clock, stoppingToken);
                else await Task.Yield(); // never hold up start-up
                using (var turn = BackupScheduleLock.TryTake(storage.Value.ResolveDataDirectory()))
                {
                    if (turn is null)
                    {
                        log.LogInformation("Another server is taking the scheduled backup; looking again in {Seconds} s", BusyRetry.TotalSeconds);
                        await Task.Delay(Min(BusyRetry, interval), clock, stoppingToken);
                        continue;
                    }
                    // Under the lock, again: another server may have finished a backup since the wait above.
                    if (Due(interval, triedHere) > clock.GetUtcNow()) continue;
                    triedHere = clock.GetUtcNow();
                    await backups.BackUpOnScheduleAsync(stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // Whatever failed, the next try is an interval away: a failure must not become a loop of failures.
                triedHere = clock.GetUtcNow();
                log.LogError(e, "Scheduled backup into {Directory} failed: {Reason}", options.Value.ResolveDirectory(), e.Message);
            }
        }
    }

    /// <summary>
    /// When the next backup is due: an interval after the last attempt any server recorded, or after this server's own
    /// last try (should the status file be unwritable); now, when neither exists.
    /// </summary>
    private DateTimeOffset Due(TimeSpan interval, DateTimeOffset? triedHere)
    {
        var recorded = backups.Status().LastAttempt?.FinishedAt;
        var last = recorded > triedHere || triedHere is null ? recorded : triedHere;
        return last is { } previous ? previous + interval : DateTimeOffset.MinValue;
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
