namespace VaeWorkbench.Web.Options;

/// <summary>Where the workbench keeps its files and its database. Bound from the <c>Storage</c> section.</summary>
public sealed class StorageOptions
{
    public const string SectionName = "Storage";

    /// <summary>
    /// Folder for the SQLite database, data-protection keys, images and models. A relative path is taken
    /// from the current working directory. Created on first run.
    /// </summary>
    public string DataDirectory { get; set; } = "data";

    /// <summary>SQLite file name inside <see cref="DataDirectory"/>.</summary>
    public string DatabaseFile { get; set; } = "vaeworkbench.db";

    /// <summary>How long a writer waits for SQLite's lock before failing, in milliseconds.</summary>
    public int BusyTimeoutMs { get; set; } = 10_000;

    /// <summary>
    /// How old an unreferenced file (a temporary file, a blob no row uses, a checkpoint of a run that is not running) must
    /// be before start-up removes it. Younger ones may belong to work another server on the same data is doing.
    /// </summary>
    public int OrphanGraceSeconds { get; set; } = 3600;

    public string ResolveDataDirectory() => Path.GetFullPath(DataDirectory);

    /// <summary>Training checkpoints, one <c>{run id}.vae</c> per running run.</summary>
    public string ResolveCheckpointDirectory() => Path.Combine(ResolveDataDirectory(), "checkpoints");

    /// <summary>Shards of datasets larger than the memory budget, one <c>{tensor hash}</c> folder per set (a cache: rebuilt when missing).</summary>
    public string ResolveShardDirectory() => Path.Combine(ResolveDataDirectory(), "shards");

    public string ResolveDatabasePath() => Path.Combine(ResolveDataDirectory(), DatabaseFile);
}
