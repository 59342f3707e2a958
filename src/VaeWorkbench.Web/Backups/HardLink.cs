using System.Runtime.InteropServices;

namespace VaeWorkbench.Web.Backups;

/// <summary>
/// Hard links for blobs: a blob is written once under its hash and never changed, so a backup on the same file system can
/// share its bytes instead of copying them. Where linking is impossible (another file system, Windows) the caller copies.
/// </summary>
internal static partial class HardLink
{
    /// <summary>Links <paramref name="link"/> to <paramref name="existing"/>; false when that is not possible here.</summary>
    public static bool TryCreate(string existing, string link) =>
        (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS()) && Link(existing, link) == 0;

    [LibraryImport("libc", EntryPoint = "link", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Link(string existing, string link);
}
