using Microsoft.AspNetCore.Components;
using Radzen;
using Radzen.Blazor;
using VaeWorkbench.Web.Components.DatasetViews;
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
    private List<Choice> classOptions = [];
    private List<DatasetImageItem> images = [];
    private DatasetImageItem? selected;
    private int? label;
    private int total;
    private bool notFound;
    private RadzenPager? pager;

    [Parameter] public Guid Id { get; set; }

    [CascadingParameter] public Workspace Workspace { get; set; } = default!;

    [Inject] public ScopedRunner Run { get; set; } = default!;

    protected override async Task OnParametersSetAsync()
    {
        notFound = false;
        selected = null;
        try
        {
            dataset = await Run.RunAsync<DatasetService, DatasetSummary>(s => s.GetAsync(Workspace.UserId, Id));
            var names = await Run.RunAsync<DatasetService, List<string>>(s => s.ClassNamesAsync(Workspace.UserId, Id));
            classOptions = [new("All classes", null), .. names.Select((n, i) => new Choice($"{n} ({CountOf(n)})", i))];
            label = null;
            await LoadPageAsync(0);
        }
        catch (AccessDeniedException)
        {
            notFound = true;
        }
    }

    private int CountOf(string className) => dataset?.Report.Classes.FirstOrDefault(c => c.Name == className)?.Count ?? 0;

    private async Task FilterAsync(int? value)
    {
        label = value;
        selected = null;
        await LoadPageAsync(0);
        if (pager is not null) await pager.FirstPage(forceReload: false);
    }

    private Task PageChangedAsync(PagerEventArgs args) => LoadPageAsync(args.Skip);

    private async Task LoadPageAsync(int skip)
    {
        try
        {
            var page = await Run.RunAsync<DatasetService, DatasetImagePage>(s => s.ImagesAsync(Workspace.UserId, Id, skip, PageSize, label));
            images = [.. page.Items];
            total = page.Total;
        }
        catch (AccessDeniedException)
        {
            notFound = true;
        }
    }

    private string ImageUrl(int index) => $"api/datasets/{Id}/images/{index}.png";
}
