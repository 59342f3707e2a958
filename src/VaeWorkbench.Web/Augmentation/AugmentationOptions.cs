namespace VaeWorkbench.Web.Augmentation;

/// <summary>How the server runs generation jobs. Bound from the <c>Augmentation</c> section.</summary>
public sealed class AugmentationOptions : Jobs.ILeaseTimings
{
    public const string SectionName = "Augmentation";

    /// <summary>Threads a generation job uses; 0 means one per processor.</summary>
    public int Threads { get; set; }

    /// <summary>How long a server's claim on a running job lasts without renewal; a lapsed job is generated again from the start.</summary>
    public int LeaseSeconds { get; set; } = 30;

    public int HeartbeatSeconds { get; set; } = 5;

    /// <summary>How often an idle server looks for queued jobs it was not told about.</summary>
    public int PollSeconds { get; set; } = 5;

    /// <summary>Training images the quality filter compares against (evenly spaced), bounding its cost.</summary>
    public int FilterReferenceLimit { get; set; } = 10_000;

    /// <summary>Samples a preview grid shows at most.</summary>
    public int PreviewCount { get; set; } = 64;

    public int ResolveThreads() => Threads > 0 ? Threads : Environment.ProcessorCount;
}
