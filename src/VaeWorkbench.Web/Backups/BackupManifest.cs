using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace VaeWorkbench.Web.Backups;

/// <summary>One file of a backup: its path relative to the backup folder (always with '/'), its size and SHA-256.</summary>
public sealed record BackupFile(string Path, long Size, string Sha256);

/// <summary>
/// <c>manifest.json</c>, written last into every backup: what wrote it (app version and schema migration), when, how many
/// rows each table of the database copy holds, and every other file with its size and checksum. A restore trusts nothing
/// the manifest does not vouch for.
/// </summary>
public sealed partial record BackupManifest(
    int Format,
    string AppVersion,
    string SchemaMigration,
    DateTimeOffset CreatedAt,
    string DatabaseFile,
    IReadOnlyDictionary<string, long> RowCounts,
    IReadOnlyList<BackupFile> Files)
{
    public const int CurrentFormat = 1;
    public const string FileName = "manifest.json";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    [JsonIgnore]
    public long TotalBytes => Files.Sum(f => f.Size);

    public void Write(string path) => File.WriteAllText(path, JsonSerializer.Serialize(this, Json));

    /// <summary>Reads a manifest, or throws <see cref="BackupException"/> saying what is wrong with it.</summary>
    public static BackupManifest Read(string backupDirectory)
    {
        var path = System.IO.Path.Combine(backupDirectory, FileName);
        if (!File.Exists(path)) throw new BackupException($"{FileName} is missing from {backupDirectory}: it is not a finished backup.");
        BackupManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<BackupManifest>(File.ReadAllText(path), Json);
        }
        catch (JsonException e)
        {
            throw new BackupException($"{FileName} is damaged: {e.Message}");
        }
        if (manifest is null || manifest.Files is null || manifest.RowCounts is null || string.IsNullOrEmpty(manifest.SchemaMigration) || string.IsNullOrEmpty(manifest.DatabaseFile))
            throw new BackupException($"{FileName} lacks required fields.");
        if (!SimpleName().IsMatch(manifest.DatabaseFile))
            throw new BackupException($"{FileName} names the database '{manifest.DatabaseFile}', which is not a plain file name.");
        if (manifest.Format != CurrentFormat)
            throw new BackupException($"{FileName} is format {manifest.Format}; this version reads format {CurrentFormat}.");
        return manifest;
    }

    /// <summary>
    /// True for the only paths a backup holds: the database copy, data-protection keys, blobs under their hash and
    /// checkpoints under their run id. Anything else (<c>..</c>, absolute paths, other folders) is refused, so a hostile
    /// manifest cannot make a restore write outside its folder.
    /// </summary>
    public bool IsAllowedPath(string path) =>
        path == DatabaseFile || KeyPath().IsMatch(path) || BlobPath().IsMatch(path) || CheckpointPath().IsMatch(path);

    /// <summary>The expected hash when <paramref name="path"/> is a blob (its name is its content's SHA-256).</summary>
    public static string? BlobHash(string path) => BlobPath().IsMatch(path) ? path[^64..] : null;

    /// <summary>
    /// Size and SHA-256 of a file. Synchronous on purpose: backups hash tens of thousands of small blobs, and on Linux an
    /// asynchronous file read costs a thread-pool round trip each, which made hashing 10,000 blobs several times slower.
    /// </summary>
    public static (long Size, string Sha256) HashFile(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        return (stream.Length, Convert.ToHexStringLower(SHA256.HashData(stream)));
    }

    [GeneratedRegex(@"^[A-Za-z0-9_-][A-Za-z0-9._-]{0,199}$")]
    private static partial Regex SimpleName();

    [GeneratedRegex(@"^keys/[A-Za-z0-9_-][A-Za-z0-9._-]{0,199}$")]
    private static partial Regex KeyPath();

    [GeneratedRegex(@"^blobs/([0-9a-f]{2})/\1[0-9a-f]{62}$")]
    private static partial Regex BlobPath();

    [GeneratedRegex(@"^checkpoints/[0-9a-f]{32}\.vae$")]
    private static partial Regex CheckpointPath();
}

/// <summary>
/// A backup or restore that cannot go ahead, for a reason the operator can act on: the message names the file or folder
/// and what is wrong with it. Commands print it without a stack trace.
/// </summary>
public sealed class BackupException(string message, Exception? inner = null) : Exception(message, inner);
