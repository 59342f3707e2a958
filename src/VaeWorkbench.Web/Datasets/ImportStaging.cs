using Microsoft.Extensions.Options;
using VaeWorkbench.Web.Options;

namespace VaeWorkbench.Web.Datasets;

/// <summary>
/// Uploaded files waiting for their import, in <c>{DataDirectory}/imports/{dataset id}/</c>: the folder every node
/// mounts, so the worker that claims the import reads what the web node received. Files arrive in the blob store's work
/// folder on the same disk and are renamed in (atomic), so a worker never sees half a file. The import removes the
/// folder when it ends; start-up cleanup removes folders of imports that no longer wait or run.
/// </summary>
public sealed class ImportStaging(IOptions<StorageOptions> storage, ILogger<ImportStaging> logger)
{
    public string Root => Path.Combine(storage.Value.ResolveDataDirectory(), "imports");

    public string FolderOf(Guid datasetId) => Path.Combine(Root, datasetId.ToString("N"));

    /// <summary>Moves the received files into the import's folder; returns them as the job will read them.</summary>
    public IReadOnlyList<StagedFile> Stage(Guid datasetId, IReadOnlyList<UploadedFile> files)
    {
        var folder = FolderOf(datasetId);
        Directory.CreateDirectory(folder);
        var staged = new List<StagedFile>(files.Count);
        try
        {
            for (var i = 0; i < files.Count; i++)
            {
                var name = i.ToString(System.Globalization.CultureInfo.InvariantCulture) + ".upload";
                File.Move(files[i].TempPath, Path.Combine(folder, name));
                staged.Add(new StagedFile(files[i].Name, name));
            }
            return staged;
        }
        catch
        {
            Delete(datasetId);
            throw;
        }
    }

    /// <summary>The staged files as the readers take them, or null when any is missing (the folder is not shared, or was removed).</summary>
    public IReadOnlyList<UploadedFile>? Open(Guid datasetId, IReadOnlyList<StagedFile> files)
    {
        var folder = FolderOf(datasetId);
        var opened = files.Select(f => new UploadedFile(f.Name, Path.Combine(folder, Path.GetFileName(f.File)))).ToList();
        return opened.All(f => File.Exists(f.TempPath)) ? opened : null;
    }

    public void Delete(Guid datasetId)
    {
        try
        {
            var folder = FolderOf(datasetId);
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Left for start-up cleanup, which removes staging folders of imports that ended.
            logger.LogWarning(e, "Import {DatasetId}: its staged files could not be removed", datasetId);
        }
    }
}
