namespace VaeWorkbench.Web.Faults;

/// <summary>
/// Test-only fault injection, bound once at start-up from the <c>Faults</c> section. Empty (the default) means inert:
/// every failpoint is a no-op and production behaviour is unchanged. See <see cref="Failpoints"/>.
/// </summary>
public sealed class FaultOptions
{
    public const string SectionName = "Faults";

    /// <summary>The failpoint to arm (one of <see cref="Failpoints"/>' names), or null for none.</summary>
    public string? Point { get; set; }

    /// <summary>Which hit of <see cref="Point"/> fires (1 = the first); the others pass. It fires once.</summary>
    public int Hit { get; set; } = 1;

    public FaultAction Action { get; set; } = FaultAction.Block;
}

public enum FaultAction
{
    /// <summary>Announce "FAILPOINT name reached" in the log and hold the thread until the host stops (SIGTERM) or forever (kill -9).</summary>
    Block,

    /// <summary>Throw the IOException the operating system gives when the disk is full (ENOSPC).</summary>
    DiskFull,
}
