using Microsoft.AspNetCore.Components;
using MudBlazor;
using VaeWorkbench.Web.Components.Layout;
using VaeWorkbench.Web.Datasets;
using VaeWorkbench.Web.Hosting;
using VaeWorkbench.Web.Teams;

namespace VaeWorkbench.Web.Components.Shared;

/// <summary>
/// A chosen dataset image (or several) shown as thumbnails with their names, and a button that opens
/// <see cref="ImagePickerDialog"/> to change them. Bound to image numbers, so callers keep passing numbers to services.
/// </summary>
public partial class ImageChoice
{
    private List<DatasetImageItem> chosen = [];
    private bool loading;

    /// <summary>The button's visible words, which its accessible name starts with (axe: label-content-name-mismatch).</summary>
    private string OpenText => chosen.Count == 0 ? "Choose…" : "Change…";

    [CascadingParameter] public Workspace Workspace { get; set; } = default!;

    [Inject] public ScopedRunner Run { get; set; } = default!;

    [Inject] public IDialogService Dialogs { get; set; } = default!;

    [Parameter, EditorRequired] public Guid DatasetId { get; set; }

    [Parameter, EditorRequired] public string Label { get; set; } = "";

    [Parameter] public IReadOnlyList<int> Indices { get; set; } = [];

    [Parameter] public EventCallback<IReadOnlyList<int>> IndicesChanged { get; set; }

    [Parameter] public bool Multiple { get; set; }

    [Parameter] public bool Disabled { get; set; }

    [Parameter] public string? HelperText { get; set; }

    [Parameter] public string? Id { get; set; }

    protected override async Task OnParametersSetAsync()
    {
        if (chosen.Select(c => c.Index).SequenceEqual(Indices)) return;
        loading = true;
        var known = chosen.ToDictionary(c => c.Index);
        var next = new List<DatasetImageItem>();
        foreach (var index in Indices)
        {
            if (known.TryGetValue(index, out var item)) next.Add(item);
            else if (await FindAsync(index) is { } found) next.Add(found);
        }
        (chosen, loading) = (next, false);
    }

    private async Task<DatasetImageItem?> FindAsync(int index)
    {
        try
        {
            return await Run.RunAsync<DatasetService, DatasetImageItem>(s => s.ImageAsync(Workspace.UserId, DatasetId, index));
        }
        catch (AccessDeniedException)
        {
            return null; // a number past the end of the dataset: shown as not chosen, the caller's service says why
        }
    }

    private async Task OpenAsync()
    {
        var parameters = new DialogParameters<ImagePickerDialog>
        {
            { d => d.Workspace, Workspace },
            { d => d.DatasetId, DatasetId },
            { d => d.Title, Multiple ? $"{Label}: choose images" : $"{Label}: choose an image" },
            { d => d.Multiple, Multiple },
            { d => d.Initial, chosen.ToList() },
        };
        var options = new DialogOptions { MaxWidth = MaxWidth.Medium, FullWidth = true, CloseButton = true };
        var dialog = await Dialogs.ShowAsync<ImagePickerDialog>(Multiple ? "Choose images" : "Choose an image", parameters, options);
        if (await dialog.Result is not { Canceled: false, Data: List<DatasetImageItem> picked }) return;
        chosen = picked;
        await IndicesChanged.InvokeAsync([.. picked.Select(p => p.Index)]);
    }
}
