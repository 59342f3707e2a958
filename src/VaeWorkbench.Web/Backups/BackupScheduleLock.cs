namespace VaeWorkbench.Web.Backups;

/// <summary>
/// Which of several servers that share one data folder (and so one SQLite database) takes a scheduled backup: the one
/// that holds an exclusive lock on <c>{DataDirectory}/backup-schedule.lock</c> for as long as it backs up. .NET takes
/// the lock with <c>flock(2)</c>, so it holds between processes, and between machines where the shared file system
/// supports locks; it goes with the process, so a server that dies does not keep it.
/// </summary>
internal static class BackupScheduleLock
{
    public const string FileName = "backup-schedule.lock";

    /// <summary>The lock, held until disposed; null when another server holds it (it is backing up now).</summary>
    public static FileStream? TryTake(string dataDirectory)
    {
        try
        {
            return new FileStream(Path.Combine(dataDirectory, FileName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, bufferSize: 1);
        }
        catch (IOException e) when (e is not (DirectoryNotFoundException or FileNotFoundException or PathTooLongException))
        {
            return null;
        }
    }
}
