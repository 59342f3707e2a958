namespace VaeWorkbench.Web.Options;

/// <summary>Limits of dataset uploads and imports, in the browser and over the API. Bound from the <c>Datasets</c> section.</summary>
public sealed class DatasetOptions
{
    public const string SectionName = "Datasets";

    /// <summary>How often deleted datasets that no run or model uses any more are removed for good (rows and files).</summary>
    public int PurgeIntervalSeconds { get; set; } = 600;

    /// <summary>
    /// How long a node's claim on an Importing dataset lasts without renewal. An import whose lease lapsed was abandoned
    /// by a stopped node: it is claimed again while it has attempts left (<see cref="ImportMaxAttempts"/>), else marked
    /// Failed (at start-up and then once a heartbeat); a live one, on any node, is left alone.
    /// </summary>
    public int ImportLeaseSeconds { get; set; } = 60;

    /// <summary>How often a running import renews its lease.</summary>
    public int ImportHeartbeatSeconds { get; set; } = 10;

    /// <summary>How often an idle node that runs jobs looks for imports queued by a web node it did not hear from.</summary>
    public int ImportPollSeconds { get; set; } = 5;

    /// <summary>Imports queued by other nodes that one node runs at once (an upload on a node that runs jobs starts at once there).</summary>
    public int ImportConcurrency { get; set; } = 2;

    /// <summary>
    /// How many times an import may be claimed. 1 (the default): an import whose node stopped mid-way is marked Failed
    /// ("upload it again"), because the input may be what stopped it, and a retry would stop the next node too. 2 or
    /// more: another node imports it again from the staged files after the lease lapses (nothing is half-written: the
    /// rows and the Ready status are one transaction).
    /// </summary>
    public int ImportMaxAttempts { get; set; } = 1;

    /// <summary>
    /// How long an upload request (the API or the Datasets page) waits for its import to finish on the node that runs
    /// it. Past this the API answers 202 with the dataset Queued or Importing, and the page follows it live.
    /// </summary>
    public int ImportWaitSeconds { get; set; } = 600;

    /// <summary>Most bytes one upload may carry, all files together: the request body limit of <c>POST /api/datasets</c> and the browser's per-upload total.</summary>
    public long MaxUploadBytes { get; set; } = 1L << 30;

    /// <summary>Uploads (datasets and model imports) one user may have under way at once; more get 429.</summary>
    public int MaxConcurrentUploadsPerUser { get; set; } = 2;

    /// <summary>Most files one upload may carry (a ZIP or IDX file counts as one).</summary>
    public int MaxFilesPerUpload { get; set; } = 1000;

    /// <summary>Most images (and skipped items) one dataset may hold; passed to the readers as their entry limit.</summary>
    public int MaxImagesPerDataset { get; set; } = 200_000;

    /// <summary>Most bytes all entries of one ZIP may inflate to.</summary>
    public long MaxZipInflatedBytes { get; set; } = 2L << 30;

    /// <summary>Most bytes one ZIP entry may inflate to, counted while inflating (never taken from the entry's header).</summary>
    public long MaxZipEntryBytes { get; set; } = 32L << 20;

    /// <summary>
    /// Largest inflated/compressed ratio, for each ZIP entry (above 64 KB) and for the whole archive (inflated bytes of all
    /// entries over the archive's size). Zip bombs reach thousands; real image archives stay far below 200.
    /// </summary>
    public double MaxZipCompressionRatio { get; set; } = 200;

    /// <summary>Rows written per database round trip during an import.</summary>
    public int InsertBatchSize { get; set; } = 1000;

    /// <summary>
    /// Largest SignalR message a Blazor circuit accepts (the framework's default, 32 KB). Measured: a 208 MB upload took
    /// 21-30 s at 256 KB and 27 s at 32 KB, so it is not raised for speed; it is a setting in case a deployment needs it.
    /// </summary>
    public int BrowserMaxMessageBytes { get; set; } = 32 * 1024;

    /// <summary>How long one JS interop call (one upload chunk, among others) may take before the circuit gives up on it.</summary>
    public int BrowserCallTimeoutSeconds { get; set; } = 120;

    /// <summary>Skipped and duplicate files listed in a stored import report; the counts stay exact beyond it.</summary>
    public int MaxReportedFiles { get; set; } = 500;
}
