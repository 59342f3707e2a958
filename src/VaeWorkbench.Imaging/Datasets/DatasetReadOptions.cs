namespace VaeWorkbench.Imaging.Datasets;

/// <summary>Every limit a dataset import enforces, in one place. Defaults suit uploads of up to a few hundred thousand small images.</summary>
public sealed record DatasetReadOptions
{
    public static DatasetReadOptions Default { get; } = new();

    /// <summary>Per-image limits (file size, dimensions, decompressed bytes).</summary>
    public DecodeLimits Limits { get; init; } = DecodeLimits.Default;

    /// <summary>Most files a folder or entries a ZIP may hold (directories included for ZIPs).</summary>
    public int MaxEntries { get; init; } = 200_000;

    /// <summary>Most bytes one ZIP entry may inflate to, counted while inflating.</summary>
    public long MaxEntryBytes { get; init; } = 32L * 1024 * 1024;

    /// <summary>Most bytes all entries of one ZIP together may inflate to, counted while inflating.</summary>
    public long MaxTotalBytes { get; init; } = 2L * 1024 * 1024 * 1024;

    /// <summary>
    /// Largest inflated/compressed ratio of an entry, and of the whole archive (all inflated bytes over the archive's
    /// length, which stops many small entries, or overlapping ones, that each pass alone). Zip bombs reach thousands;
    /// real images rarely exceed 20.
    /// </summary>
    public double MaxCompressionRatio { get; init; } = 200;

    /// <summary>Entries (and archives) inflating to no more than this may exceed the ratio (a blank 64x64 PNG inside a ZIP compresses very well).</summary>
    public long RatioExemptBytes { get; init; } = 64 * 1024;
}
