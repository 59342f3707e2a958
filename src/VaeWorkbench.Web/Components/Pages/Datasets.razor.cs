using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.Extensions.Options;
using MudBlazor;
using VaeWorkbench.Web.Data.Entities;
using VaeWorkbench.Web.Components.Layout;
using VaeWorkbench.Web.Datasets;
using VaeWorkbench.Web.Hosting;
using VaeWorkbench.Web.Options;
using VaeWorkbench.Web.Storage;
using VaeWorkbench.Web.Teams;

namespace VaeWorkbench.Web.Components.Pages;

/// <summary>
/// Upload (each file is copied from the browser to a work file in chunks, with its own progress bar, then imported by a
/// node that runs jobs while the page waits) and the team's dataset list, which follows imports live
/// (<see cref="ImportEvents"/>). Actions call the services directly; they check the role again.
/// </summary>
public partial class Datasets : IDisposable
{
    private const string Accept = ".png,.jpg,.jpeg,.bmp,.gif,.pgm,.ppm,.pnm,.pbm,.webp,.txt,.zip,.gz,.idx,.idx1-ubyte,.idx3-ubyte,application/zip,image/*,application/octet-stream,application/gzip";
    private static readonly int[] sizes = DatasetImportService.ImageSizes;
    private readonly List<UploadItem> uploads = [];
    private MudDataGrid<DatasetSummary>? grid;
    private string? nameFilter;
    private bool dragging;
    private string? uploadError;
    private string name = "";
    private int imageSize = 28;
    private int channels = 1;
    private bool busy;
    private string? status;
    private DatasetImportResult? lastImport;
    private Guid? pendingImport; // an upload whose import outlasted the wait: followed live
    private Guid? editingId;
    private string editName = "";
    private Guid? confirmDeleteId;

    [CascadingParameter] public Workspace Workspace { get; set; } = default!;

    [Inject] public ScopedRunner Run { get; set; } = default!;

    [Inject] public BlobStore Blobs { get; set; } = default!;

    [Inject] public UploadSlots Slots { get; set; } = default!;

    [Inject] public IOptions<DatasetOptions> Options { get; set; } = default!;

    [Inject] public ISnackbar Snackbar { get; set; } = default!;

    [Inject] public ImportEvents ImportEvents { get; set; } = default!;

    private DatasetOptions Limits => Options.Value;

    protected override void OnInitialized()
    {
        Workspace.Changed += OnWorkspaceChanged;
        ImportEvents.Updated += OnImportUpdated;
    }

    /// <summary>An import of this team changed (queued, started, ended, on any node): the list shows it, and a followed one ends here.</summary>
    private void OnImportUpdated(DatasetImportUpdate update)
    {
        if (Workspace.CurrentTeam?.Id != update.TeamId) return;
        _ = FollowAsync(update);
    }

    private async Task FollowAsync(DatasetImportUpdate update)
    {
        try
        {
            await InvokeAsync(() => ShowAsync(update));
        }
        catch (ObjectDisposedException)
        {
            // The page closed while the message was on its way.
        }
    }

    private async Task ShowAsync(DatasetImportUpdate update)
    {
        if (update.Ended && update.DatasetId == pendingImport)
        {
            pendingImport = null;
            status = null;
            if (update.Status == DatasetStatus.Failed) uploadError = $"The import failed: {update.Error}";
            else await Guarded(async () => lastImport = DatasetImportResult.From(
                await Run.RunAsync<DatasetService, DatasetSummary>(s => s.GetAsync(Workspace.UserId, update.DatasetId))));
        }
        await LoadAsync();
        StateHasChanged();
    }

    private void OnWorkspaceChanged() => InvokeAsync(async () =>
    {
        lastImport = null;
        await LoadAsync();
        StateHasChanged();
    });

    private Task LoadAsync() => grid?.ReloadServerData() ?? Task.CompletedTask;

    /// <summary>The grid's page, sort and the name filter go to the database; only the rows shown come back.</summary>
    private async Task<GridData<DatasetSummary>> LoadPageAsync(GridState<DatasetSummary> state, CancellationToken ct)
    {
        if (Workspace.CurrentTeam is not { } team) return new GridData<DatasetSummary> { Items = [], TotalItems = 0 };
        var sort = state.SortDefinitions.FirstOrDefault();
        var query = new DatasetListQuery(state.Page * state.PageSize, state.PageSize, nameFilter,
            sort is null ? DatasetSort.CreatedAt : SortOf(sort.SortBy), sort?.Descending ?? true);
        DatasetListPage? page = null;
        try
        {
            await Guarded(async () => page = await Run.RunAsync<DatasetService, DatasetListPage>(s => s.PageAsync(Workspace.UserId, team.Id, query, ct)));
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // A newer load (the filter changed again) replaced this one; the grid shows that one's rows.
        }
        return new GridData<DatasetSummary> { Items = page?.Items ?? [], TotalItems = page?.Total ?? 0 };
    }

    private static DatasetSort SortOf(string column) => column switch
    {
        nameof(DatasetSummary.Name) => DatasetSort.Name,
        nameof(DatasetSummary.Status) => DatasetSort.Status,
        nameof(DatasetSummary.ImageCount) => DatasetSort.ImageCount,
        _ => DatasetSort.CreatedAt,
    };

    private async Task FilterAsync(string? value)
    {
        nameFilter = value;
        await LoadAsync();
    }

    private static Color StatusColour(DatasetStatus status) => status switch
    {
        DatasetStatus.Ready => Color.Success,
        DatasetStatus.Failed => Color.Error,
        _ => Color.Info,
    };

    private void FilesChosen(InputFileChangeEventArgs e)
    {
        uploads.Clear();
        status = null;
        uploadError = null;
        if (e.FileCount > Limits.MaxFilesPerUpload)
        {
            status = $"Choose at most {Limits.MaxFilesPerUpload} files; put many images in a ZIP.";
            return;
        }
        uploads.AddRange(e.GetMultipleFiles(Limits.MaxFilesPerUpload).Select(f => new UploadItem(f)));
        if (string.IsNullOrWhiteSpace(name) && uploads.Count > 0) name = Path.GetFileNameWithoutExtension(uploads[0].Name);
        var total = uploads.Sum(u => u.Size);
        if (total > Limits.MaxUploadBytes) status = $"These files hold {FormatBytes(total)}; an upload may hold {FormatBytes(Limits.MaxUploadBytes)}.";
    }

    /// <summary>Drops a selection that failed, so the page is back to a fresh upload; nothing of it was kept on the server.</summary>
    private void ClearUpload()
    {
        uploads.Clear();
        uploadError = null;
        status = null;
    }

    private async Task UploadAsync()
    {
        if (Workspace.CurrentTeam is not { } team || uploads.Count == 0) return;
        if (uploads.Sum(u => u.Size) > Limits.MaxUploadBytes)
        {
            status = $"An upload may hold {FormatBytes(Limits.MaxUploadBytes)}.";
            return;
        }
        busy = true;
        lastImport = null;
        uploadError = null;
        var received = new List<UploadedFile>();
        IDisposable? slot = null;
        try
        {
            slot = Slots.Acquire(Workspace.UserId);
            long total = 0;
            foreach (var item in uploads)
            {
                status = $"Uploading {item.Name}…";
                var path = Blobs.NewTempPath(".upload");
                total += await ReceiveAsync(item, path, Limits.MaxUploadBytes - total);
                received.Add(new UploadedFile(item.Name, path));
            }
            status = "Importing: decoding, normalising and storing every image…";
            StateHasChanged();
            var request = new NewDatasetRequest(name, imageSize, channels, received);
            DatasetImportResult? imported = null;
            await Guarded(async () =>
            {
                imported = await Run.RunAsync<DatasetImportService, DatasetImportResult>(s => s.ImportAsync(Workspace.UserId, team.Id, request));
                uploads.Clear();
                name = "";
            });
            if (imported is { Status: DatasetStatus.Ready }) (lastImport, status) = (imported, null);
            else if (imported is not null)
            {
                // No node finished it within the wait (no worker free, or none running): the list and this note follow it.
                pendingImport = imported.Id;
                status = imported.Status == DatasetStatus.Queued
                    ? $"{imported.Name} is queued: it waits for a server that runs imports. It appears below, and becomes Ready there when it is done."
                    : $"{imported.Name} is still importing on another server. It appears below, and becomes Ready there when it is done.";
            }
            else status = "The import did not finish; see the message.";
            await LoadAsync();
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or OperationCanceledException or RequestRejectedException
            or TooManyUploadsException or Microsoft.JSInterop.JSException)
        {
            // The browser went away mid-upload, the file outgrew the limit (whatever size it declared), or the disk is full.
            status = "The upload failed; see the message.";
            uploadError = $"The upload failed: {e.Message}";
        }
        finally
        {
            foreach (var file in received) UploadFileWriter.TryDelete(file.TempPath);
            slot?.Dispose();
            busy = false;
        }
    }

    /// <summary>
    /// Copies one browser file to a work file in chunks, updating its progress bar as it goes. The browser's declared size
    /// is not trusted: the bytes are counted against what the upload may still carry, and the work file goes on failure.
    /// </summary>
    private async Task<long> ReceiveAsync(UploadItem item, string path, long remaining)
    {
        await using var source = item.File.OpenReadStream(Limits.MaxUploadBytes);
        var lastShown = -1;
        var received = await UploadFileWriter.SaveAsync(source, path, item.Name, remaining, Limits.MaxUploadBytes, VaeWorkbench.Imaging.DecodeLimits.Default.MaxFileBytes, count =>
        {
            item.Received = count;
            if (item.Percent == lastShown) return;
            lastShown = item.Percent;
            StateHasChanged();
        }, CancellationToken.None);
        item.Received = item.Size;
        return received;
    }

    private void StartRename(DatasetSummary dataset)
    {
        editingId = dataset.Id;
        editName = dataset.Name;
    }

    private Task RenameAsync(DatasetSummary dataset) => Guarded(async () =>
    {
        await Run.RunAsync<DatasetService>(s => s.RenameAsync(Workspace.UserId, dataset.Id, editName));
        editingId = null;
        await LoadAsync();
    });

    private Task DeleteAsync(DatasetSummary dataset) => Guarded(async () =>
    {
        confirmDeleteId = null;
        await Run.RunAsync<DatasetService>(s => s.DeleteAsync(Workspace.UserId, dataset.Id));
        if (lastImport?.Id == dataset.Id) lastImport = null;
        Snackbar.Add($"{dataset.Name} was deleted.", Severity.Info);
        await LoadAsync();
    });

    /// <summary>
    /// Shows the server's refusal (role too low, invalid input, failed import) instead of breaking the circuit. While an
    /// upload runs the reason also stays on the upload card until dismissed: a toast alone is gone before it is read.
    /// </summary>
    private async Task Guarded(Func<Task> action)
    {
        try
        {
            await action();
        }
        catch (Exception e) when (e is AccessDeniedException or RequestRejectedException or DatasetImportFailedException)
        {
            if (busy) uploadError = e.Message;
            Snackbar.Add(e.Message, Severity.Error);
        }
    }

    internal static string FormatBytes(long bytes) => bytes switch
    {
        >= 1L << 30 => $"{bytes / (double)(1L << 30):0.#} GB",
        >= 1L << 20 => $"{bytes / (double)(1L << 20):0.#} MB",
        >= 1L << 10 => $"{bytes / (double)(1L << 10):0.#} KB",
        _ => $"{bytes} bytes",
    };

    public void Dispose()
    {
        Workspace.Changed -= OnWorkspaceChanged;
        ImportEvents.Updated -= OnImportUpdated;
    }

    private sealed class UploadItem(IBrowserFile file)
    {
        public IBrowserFile File { get; } = file;

        public string Name { get; } = UploadNames.FileName(file.Name);

        public long Size { get; } = file.Size;

        public long Received { get; set; }

        public int Percent => Size == 0 ? 100 : (int)(100 * Math.Min(Received, Size) / Size);
    }
}
