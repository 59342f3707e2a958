namespace VaeWorkbench.Web.Options;

/// <summary>Scheduled backups and their retention. Bound from the <c>Backup</c> section; off unless IntervalHours is above 0.</summary>
public sealed class BackupOptions
{
    public const string SectionName = "Backup";

    /// <summary>
    /// Folder that holds the scheduled backups, one <c>backup-{UTC time}</c> folder each. A relative path is taken from the
    /// working directory. It must lie outside the data directory: a backup inside the data it protects is lost with it.
    /// </summary>
    public string? Directory { get; set; }

    /// <summary>Hours between scheduled backups; 0 (the default) turns the schedule off. Fractions are allowed.</summary>
    public double IntervalHours { get; set; }

    /// <summary>How many scheduled backups to keep; after each successful one the oldest beyond this are deleted.</summary>
    public int Keep { get; set; } = 7;

    public bool Scheduled => IntervalHours > 0;

    public string? ResolveDirectory() => string.IsNullOrWhiteSpace(Directory) ? null : Path.GetFullPath(Directory);
}
