using Microsoft.AspNetCore.Components;
using MudBlazor;
using VaeWorkbench.Web.Components.Layout;
using VaeWorkbench.Web.Datasets;
using VaeWorkbench.Web.Hosting;
using VaeWorkbench.Web.Teams;

namespace VaeWorkbench.Web.Components.Pages;

/// <summary>One dataset: its summary, a paged thumbnail grid filterable by class, and an image detail view.</summary>
public partial class DatasetDetail
{
    private const int PageSize = 60;
    private DatasetSummary? dataset;
    private List<string> classNames = [];
    private List<BreadcrumbItem> breadcrumbs = [];
    private List<DatasetImageItem> images = [];
    private DatasetImageItem? selected;
    private int? label;
    private int total;
    private int page = 1;
    private bool notFound;

    [Parameter] public Guid Id { get; set; }

    [CascadingParameter] public Workspace Workspace { get; set; } = default!;

    [Inject] public ScopedRunner Run { get; set; } = default!;

    private int PageCount => Math.Max(1, (total + PageSize - 1) / PageSize);

    protected override async Task OnParametersSetAsync()
    {
        notFound = false;
        selected = null;
        try
        {
            dataset = await Run.RunAsync<DatasetService, DatasetSummary>(s => s.GetAsync(Workspace.UserId, Id));
            classNames = await Run.RunAsync<DatasetService, List<string>>(s => s.ClassNamesAsync(Workspace.UserId, Id));
            breadcrumbs = [new("Datasets", "datasets"), new(dataset.Name, null, disabled: true)];
            label = null;
            await LoadPageAsync(1);
        }
        catch (AccessDeniedException)
        {
            notFound = true;
        }
    }

    /// <summary>A class as the filter lists it: its name and how many images it holds.</summary>
    private string ClassLabel(int? index) => index is { } i && i >= 0 && i < classNames.Count
        ? $"{classNames[i]} ({CountOf(classNames[i])})"
        : "All classes";

    private int CountOf(string className) => dataset?.Report.Classes.FirstOrDefault(c => c.Name == className)?.Count ?? 0;

    private async Task FilterAsync(int? value)
    {
        label = value;
        selected = null;
        await LoadPageAsync(1);
    }

    // The report's class counts and the images' class names carry the new names: read them again.
    private async Task ClassesRenamedAsync(List<string> saved)
    {
        classNames = saved;
        dataset = await Run.RunAsync<DatasetService, DatasetSummary>(s => s.GetAsync(Workspace.UserId, Id));
        await LoadPageAsync(page);
        selected = null;
    }

    private Task PageChangedAsync(int number) => LoadPageAsync(number);

    private async Task LoadPageAsync(int number)
    {
        try
        {
            var result = await Run.RunAsync<DatasetService, DatasetImagePage>(s => s.ImagesAsync(Workspace.UserId, Id, (number - 1) * PageSize, PageSize, label));
            images = [.. result.Items];
            total = result.Total;
            page = number;
        }
        catch (AccessDeniedException)
        {
            notFound = true;
        }
    }

    private string ImageUrl(int index) => $"api/datasets/{Id}/images/{index}.png";
}
