using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using VaeWorkbench.Web.Faults;
using VaeWorkbench.Web.Options;

namespace VaeWorkbench.Web.Storage;

/// <summary>
/// Content-addressed files under <c>{DataDirectory}/blobs/ab/abcdef…</c>, named by the SHA-256 of their bytes.
/// Writes go to a temporary file that is flushed to the disk and then renamed into place, so a crash never leaves a
/// partial blob under a real name, and equal content is stored once. User-supplied names never become paths.
/// Temporary files a crash leaves behind are removed at start-up by <see cref="StorageRecovery"/>.
/// </summary>
public sealed class BlobStore
{
    private readonly string _root;
    private readonly string _temp;
    private readonly Failpoints _faults;

    public BlobStore(IOptions<StorageOptions> options, Failpoints faults)
    {
        _faults = faults;
        var data = options.Value.ResolveDataDirectory();
        _root = Path.Combine(data, "blobs");
        _temp = Path.Combine(data, "tmp");
        Directory.CreateDirectory(_root);
        Directory.CreateDirectory(_temp);
    }

    /// <summary>Folder for work files (uploads being received, files being written) on the same disk as the blobs.</summary>
    public string TempDirectory => _temp;

    /// <summary>Folder holding the blobs, one sub-folder per first two hex digits.</summary>
    public string RootDirectory => _root;

    public string NewTempPath(string extension = ".tmp") => Path.Combine(_temp, Guid.NewGuid().ToString("N") + extension);

    /// <summary>Stores one blob (see <see cref="PutMany"/>) and returns its hash.</summary>
    public string Put(ReadOnlySpan<byte> bytes) => PutMany([bytes.ToArray()])[0];

    /// <summary>
    /// Stores many blobs with one flush to the disk for all of them (<see cref="FileSystemSync"/>): every temporary file
    /// is written, then they are made durable together, then each is renamed into place, so a crash still never leaves
    /// a partial blob under a real name. Returns each item's hash, in order. If any write fails, the batch's temporary
    /// files are removed and nothing is renamed.
    /// </summary>
    public string[] PutMany(IReadOnlyList<byte[]> items)
    {
        var hashes = new string[items.Count];
        var pending = new Dictionary<string, string>(StringComparer.Ordinal); // target -> temporary file
        try
        {
            for (var i = 0; i < items.Count; i++)
            {
                hashes[i] = Convert.ToHexStringLower(SHA256.HashData(items[i]));
                var target = PathOf(hashes[i]);
                if (pending.ContainsKey(target) || File.Exists(target)) continue;
                _faults.Reach(Failpoints.BlobWrite);
                var temp = NewTempPath();
                pending[target] = temp;
                using var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0);
                file.Write(items[i]);
            }
            FileSystemSync.Flush([.. pending.Values]);
        }
        catch
        {
            // A full disk most of all: the partial work files must not keep holding the space.
            foreach (var temp in pending.Values) File.Delete(temp);
            throw;
        }
        foreach (var (target, temp) in pending) Commit(temp, target);
        return hashes;
    }

    /// <summary>Moves a finished temporary file into the store under the hash of its content, flushed to the disk first.</summary>
    public async Task<string> PutFileAsync(string tempFile, CancellationToken ct = default)
    {
        _faults.Reach(Failpoints.BlobWrite);
        string hash;
        await using (var stream = new FileStream(tempFile, FileMode.Open, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.Asynchronous))
        {
            hash = Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, ct));
            // Whoever wrote the file may not have flushed it; the rename below must never publish data still in flight.
            stream.Flush(flushToDisk: true);
        }
        var target = PathOf(hash);
        if (File.Exists(target)) File.Delete(tempFile);
        else Commit(tempFile, target);
        return hash;
    }

    public bool Exists(string hash) => File.Exists(PathOf(hash));

    /// <summary>True when <paramref name="name"/> could be a blob's file name (64 lower-case hex digits).</summary>
    public static bool IsHash(string name) => name.Length == 64 && name.All(char.IsAsciiHexDigitLower);

    public Stream OpenRead(string hash) =>
        new FileStream(PathOf(hash), FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous);

    public byte[] ReadAllBytes(string hash) => File.ReadAllBytes(PathOf(hash));

    public void Delete(string hash)
    {
        var path = PathOf(hash);
        if (File.Exists(path)) File.Delete(path);
    }

    public string PathOf(string hash)
    {
        if (!IsHash(hash))
            throw new ArgumentException($"'{hash}' is not a SHA-256 hex digest", nameof(hash));
        return Path.Combine(_root, hash[..2], hash);
    }

    private static void Commit(string temp, string target)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        try
        {
            File.Move(temp, target, overwrite: false);
        }
        catch (IOException) when (File.Exists(target))
        {
            // Someone stored the same content first; theirs is identical.
            File.Delete(temp);
        }
    }
}
