using System.Text.Json;
using Microsoft.Extensions.Options;
using VaeWorkbench.Web.Options;

namespace VaeWorkbench.Web.Backups;

/// <summary>One backup attempt: what started it, where it went, when, and how it ended.</summary>
public sealed record BackupAttempt(
    string Trigger, string Directory, DateTimeOffset StartedAt, DateTimeOffset FinishedAt, bool Succeeded, long? SizeBytes, int? FileCount, string? Error);

/// <summary>The last attempt and the last success (the same one when the last attempt succeeded).</summary>
public sealed record BackupStatus(BackupAttempt? LastAttempt, BackupAttempt? LastSuccess);

/// <summary>
/// Remembers the last backups in <c>{DataDirectory}/backup-status.json</c>, so the administrator page sees the backups of
/// the scheduler and of the <c>backup</c> command alike (another process), and the schedule survives a restart. It is
/// not in the database on purpose: a restore must not bring back another server's backup history. Written to a
/// temporary file and renamed, so a reader never sees half of it.
/// </summary>
public sealed class BackupStatusStore(IOptions<StorageOptions> storage, ILogger<BackupStatusStore> log)
{
    public const string FileName = "backup-status.json";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };
    private readonly Lock _gate = new();

    private string StatusPath => Path.Combine(storage.Value.ResolveDataDirectory(), FileName);

    public BackupStatus Read()
    {
        try
        {
            return File.Exists(StatusPath) ? JsonSerializer.Deserialize<BackupStatus>(File.ReadAllText(StatusPath), Json) ?? Empty : Empty;
        }
        catch (Exception e) when (e is JsonException or IOException)
        {
            log.LogWarning(e, "{File} is unreadable; backup status starts afresh", StatusPath);
            return Empty;
        }
    }

    public void Record(BackupAttempt attempt)
    {
        lock (_gate)
        {
            var status = new BackupStatus(attempt, attempt.Succeeded ? attempt : Read().LastSuccess);
            var temp = $"{StatusPath}.{Guid.NewGuid():N}.tmp";
            File.WriteAllText(temp, JsonSerializer.Serialize(status, Json));
            File.Move(temp, StatusPath, overwrite: true);
        }
    }

    private static BackupStatus Empty => new(null, null);
}
