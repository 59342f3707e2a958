using Microsoft.AspNetCore.Components;
using MudBlazor;
using VaeWorkbench.Web.Components.Layout;
using VaeWorkbench.Web.Datasets;
using VaeWorkbench.Web.Hosting;
using VaeWorkbench.Web.Teams;

namespace VaeWorkbench.Web.Components.Shared;

/// <summary>
/// Chooses one image (or several with <see cref="Multiple"/>) of a dataset from a paged grid of thumbnails, filtered by
/// class and searched by file name or image number on the server. Closes with the chosen images, in the order chosen.
/// </summary>
public partial class ImagePickerDialog
{
    public const int PageSize = 24;

    private List<DatasetImageItem> images = [];
    private List<DatasetImageItem> chosenImages = [];
    private List<string> classNames = [];
    private string? search;
    private int? classFilter;
    private int page = 1;
    private int total;
    private string? error;

    [CascadingParameter] public IMudDialogInstance Dialog { get; set; } = default!;

    /// <summary>Passed in: dialogs render under the layout's dialog provider, outside the workspace's cascade.</summary>
    [Parameter, EditorRequired] public Workspace Workspace { get; set; } = default!;

    [Inject] public ScopedRunner Run { get; set; } = default!;

    [Parameter, EditorRequired] public Guid DatasetId { get; set; }

    [Parameter] public string Title { get; set; } = "Choose an image";

    [Parameter] public bool Multiple { get; set; }

    /// <summary>Images chosen before the dialog opened (shown as chosen; in single mode the one to replace).</summary>
    [Parameter] public IReadOnlyList<DatasetImageItem> Initial { get; set; } = [];

    private int PageCount => Math.Max(1, (total + PageSize - 1) / PageSize);

    private string TotalText => total switch
    {
        0 when !string.IsNullOrWhiteSpace(search) || classFilter is not null => "No image matches.",
        0 => "This dataset has no images.",
        1 => "1 image",
        _ => $"{total:N0} images · page {page} of {PageCount}",
    };

    protected override async Task OnInitializedAsync()
    {
        chosenImages = [.. Initial];
        try
        {
            classNames = await Run.RunAsync<DatasetService, List<string>>(s => s.ClassNamesAsync(Workspace.UserId, DatasetId));
        }
        catch (AccessDeniedException e)
        {
            error = e.Message;
            return;
        }
        await LoadPageAsync(1);
    }

    private async Task SearchChangedAsync(string? value)
    {
        search = value;
        await LoadPageAsync(1);
    }

    private async Task ClassChangedAsync(int? value)
    {
        classFilter = value;
        await LoadPageAsync(1);
    }

    private async Task LoadPageAsync(int number)
    {
        try
        {
            var (label, text) = (classFilter, search);
            var result = await Run.RunAsync<DatasetService, DatasetImagePage>(s =>
                s.ImagesAsync(Workspace.UserId, DatasetId, (number - 1) * PageSize, PageSize, label, search: text));
            (images, total, page, error) = ([.. result.Items], result.Total, number, null);
        }
        catch (Exception e) when (e is AccessDeniedException or RequestRejectedException)
        {
            (images, total, error) = ([], 0, e.Message);
        }
    }

    private bool IsChosen(DatasetImageItem image) => chosenImages.Any(c => c.Index == image.Index);

    private void Toggle(DatasetImageItem image)
    {
        if (IsChosen(image)) chosenImages.RemoveAll(c => c.Index == image.Index);
        else if (Multiple) chosenImages.Add(image);
        else chosenImages = [image];
    }

    private string ImageUrl(int index) => ImageNames.Url(DatasetId, index);

    private void Choose() => Dialog.Close(DialogResult.Ok(chosenImages.ToList()));

    private void Cancel() => Dialog.Cancel();
}
