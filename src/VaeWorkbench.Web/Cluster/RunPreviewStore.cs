using Microsoft.Extensions.Options;
using VaeWorkbench.Web.Options;

namespace VaeWorkbench.Web.Cluster;

/// <summary>
/// A running job's latest reconstruction grid, in the shared data folder, for web servers on other nodes: an image is
/// too large for a NOTIFY payload, so the message only says "reconstruction ready" and the web server reads the file.
/// Written to a temporary name and renamed, so a reader never sees half an image.
/// </summary>
public sealed class RunPreviewStore(IOptions<StorageOptions> storage, ILogger<RunPreviewStore> logger)
{
    public string PathOf(Guid runId) => Path.Combine(storage.Value.ResolveDataDirectory(), "previews", $"{runId:N}.png");

    public void Write(Guid runId, byte[] png)
    {
        var path = PathOf(runId);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = $"{path}.{Guid.NewGuid():N}.tmp";
        File.WriteAllBytes(temp, png);
        File.Move(temp, path, overwrite: true);
    }

    /// <summary>The latest grid, or null when the run has finished (and its preview is gone) or never wrote one.</summary>
    public byte[]? Read(Guid runId)
    {
        try
        {
            return File.ReadAllBytes(PathOf(runId));
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        catch (IOException e)
        {
            logger.LogWarning(e, "Run {RunId}: the reconstruction preview could not be read", runId);
            return null;
        }
    }

    public void Delete(Guid runId)
    {
        try
        {
            File.Delete(PathOf(runId));
        }
        catch (IOException e)
        {
            logger.LogWarning(e, "Run {RunId}: the reconstruction preview could not be deleted", runId);
        }
    }
}
