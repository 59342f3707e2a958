using System.Globalization;
using Microsoft.AspNetCore.Components;
using MudBlazor;
using VaeWorkbench.Web.Augmentation;
using VaeWorkbench.Web.Labels;
using VaeWorkbench.Web.Components.Layout;
using VaeWorkbench.Web.Data.Entities;
using VaeWorkbench.Web.Hosting;
using VaeWorkbench.Web.Teams;
using VaeWorkbench.Web.Datasets;

namespace VaeWorkbench.Web.Components.Pages.Augment;

/// <summary>One augmented set: provenance, class counts, a paged grid of its images, export, merge and delete.</summary>
public partial class AugmentedSetDetail : IDisposable
{
    private const int PageSize = 96;
    private AugmentedSummary? set;
    private List<string> classNames = [];
    private List<string> classOptions = [];
    private string? classFilter;
    private List<AugmentedImageItem> images = [];
    private int total;
    private int skip;
    private string modelName = "";
    private string? error;
    private bool merging;
    private DatasetImportResult? merged;

    [Parameter] public Guid Id { get; set; }

    [CascadingParameter] public Workspace Workspace { get; set; } = default!;

    [Inject] public ScopedRunner Run { get; set; } = default!;

    [Inject] public AugmentationEvents Events { get; set; } = default!;

    [Inject] public ISnackbar Snackbar { get; set; } = default!;

    [Inject] public NavigationManager Navigation { get; set; } = default!;

    [Inject] public IDialogService Dialogs { get; set; } = default!;

    private int PageCount => (total + PageSize - 1) / PageSize;

    private List<BreadcrumbItem> Breadcrumbs =>
        [new("Augmented sets", "augmented"), new(set is null ? "Set" : $"{AugmentationText.ModeNoun(set.Provenance.Mode)} · seed {set.Provenance.Seed}", null, disabled: true)];

    protected override async Task OnInitializedAsync()
    {
        Events.Updated += OnUpdate;
        await LoadAsync();
    }

    private async Task LoadAsync()
    {
        try
        {
            set = await Run.RunAsync<AugmentationService, AugmentedSummary>(s => s.GetAsync(Workspace.UserId, Id));
        }
        catch (AccessDeniedException)
        {
            error = "This augmented set does not exist, was deleted, or belongs to another team.";
            return;
        }
        modelName = await Run.RunAsync<AugmentationService, string>(s => s.ModelNameAsync(Workspace.UserId, Id));
        classNames = await Run.RunAsync<AugmentationService, List<string>>(s => s.ClassNamesAsync(Workspace.UserId, Id));
        classOptions = set.Classes.Select(c => c.Name).ToList();
        await LoadImagesAsync();
    }

    private Task<LabelsResponse> SaveLabelsAsync(LabelPatch patch) =>
        Run.RunAsync<AugmentationService, LabelsResponse>(s => s.UpdateLabelsAsync(Workspace.UserId, Id, patch));

    private async Task LoadImagesAsync()
    {
        int? label = classFilter is null || classFilter == "unlabeled" ? null : classNames.IndexOf(classFilter);
        var page = await Run.RunAsync<AugmentationService, AugmentedImagePage>(s => s.ImagesAsync(Workspace.UserId, Id, skip, PageSize, label));
        (images, total) = (page.Items.ToList(), page.Total);
    }

    private async Task FilterAsync(string? className)
    {
        (classFilter, skip) = (className, 0);
        await LoadImagesAsync();
    }

    private async Task PageChangedAsync(int page)
    {
        skip = (page - 1) * PageSize;
        await LoadImagesAsync();
    }

    private void OnUpdate(AugmentationUpdate update)
    {
        if (update.SetId != Id || set is null) return;
        _ = InvokeAsync(async () =>
        {
            await LoadAsync();
            StateHasChanged();
        });
    }

    private async Task DeleteAsync()
    {
        if (await Dialogs.ShowMessageBoxAsync("Delete set", "Delete this augmented set and its images?", yesText: "Delete", cancelText: "Keep") != true) return;
        try
        {
            await Run.RunAsync<AugmentationService>(s => s.DeleteAsync(Workspace.UserId, Id));
            Navigation.NavigateTo("augmented");
        }
        catch (Exception e) when (e is AccessDeniedException or RequestRejectedException)
        {
            Snackbar.Add($"Not deleted: {e.Message}", Severity.Error);
        }
    }

    private async Task MergeAsync()
    {
        merging = true;
        try
        {
            merged = await Run.RunAsync<AugmentationMerge, DatasetImportResult>(m => m.MergeAsync(Workspace.UserId, Id, null));
        }
        catch (Exception e) when (e is AccessDeniedException or RequestRejectedException or DatasetImportFailedException)
        {
            Snackbar.Add($"Not merged: {e.Message}", Severity.Error);
        }
        finally
        {
            merging = false;
        }
    }

    private static string Title(AugmentedImageItem image) =>
        $"{ImageNames.Sample(image.Index)} {image.ClassName ?? "unlabeled"}{(image.Score is { } s ? $" · −ELBO {s.ToString("N1", CultureInfo.CurrentCulture)}" : "")}";

    public void Dispose() => Events.Updated -= OnUpdate;
}
