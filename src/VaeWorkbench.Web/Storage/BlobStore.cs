using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using VaeWorkbench.Web.Options;

namespace VaeWorkbench.Web.Storage;

/// <summary>
/// Content-addressed files under <c>{DataDirectory}/blobs/ab/abcdef…</c>, named by the SHA-256 of their bytes.
/// Writes go to a temporary file that is renamed into place once complete, so a crash never leaves a partial blob
/// under a real name, and equal content is stored once. User-supplied names never become paths.
/// </summary>
public sealed class BlobStore
{
    private readonly string _root;
    private readonly string _temp;

    public BlobStore(IOptions<StorageOptions> options)
    {
        var data = options.Value.ResolveDataDirectory();
        _root = Path.Combine(data, "blobs");
        _temp = Path.Combine(data, "tmp");
        Directory.CreateDirectory(_root);
        Directory.CreateDirectory(_temp);
    }

    /// <summary>Folder for work files (uploads being received, files being written) on the same disk as the blobs.</summary>
    public string TempDirectory => _temp;

    public string NewTempPath(string extension = ".tmp") => Path.Combine(_temp, Guid.NewGuid().ToString("N") + extension);

    public async Task<string> PutAsync(ReadOnlyMemory<byte> bytes, CancellationToken ct = default)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(bytes.Span));
        var target = PathOf(hash);
        if (File.Exists(target)) return hash;
        var temp = NewTempPath();
        await File.WriteAllBytesAsync(temp, bytes.ToArray(), ct);
        Commit(temp, target);
        return hash;
    }

    public string Put(ReadOnlySpan<byte> bytes)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(bytes));
        var target = PathOf(hash);
        if (File.Exists(target)) return hash;
        var temp = NewTempPath();
        using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
        {
            file.Write(bytes);
            file.Flush(flushToDisk: true);
        }
        Commit(temp, target);
        return hash;
    }

    /// <summary>Moves a finished temporary file into the store under the hash of its content.</summary>
    public async Task<string> PutFileAsync(string tempFile, CancellationToken ct = default)
    {
        string hash;
        await using (var stream = File.OpenRead(tempFile))
            hash = Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, ct));
        var target = PathOf(hash);
        if (File.Exists(target)) File.Delete(tempFile);
        else Commit(tempFile, target);
        return hash;
    }

    public bool Exists(string hash) => File.Exists(PathOf(hash));

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
        if (hash.Length != 64 || !hash.All(char.IsAsciiHexDigitLower))
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
