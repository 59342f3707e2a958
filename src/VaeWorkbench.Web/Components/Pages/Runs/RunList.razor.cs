using Microsoft.AspNetCore.Components;
using MudBlazor;
using VaeWorkbench.Web.Components.Layout;
using VaeWorkbench.Web.Data.Entities;
using VaeWorkbench.Web.Hosting;
using VaeWorkbench.Web.Runs;

namespace VaeWorkbench.Web.Components.Pages.Runs;

/// <summary>The team's runs, a page at a time: paging, sorting and filtering happen in the database (RunService.PageAsync).</summary>
public partial class RunList : IDisposable
{
    private MudDataGrid<RunSummary>? grid;
    private readonly HashSet<Guid> selected = [];
    private List<RunSummary> shown = [];
    private List<(Guid Id, string Name)> datasets = [];
    private string? text;
    private string? tag;
    private List<string> knownTags = [];
    private RunStatus? status;
    private Guid? datasetId;

    [CascadingParameter] public Workspace Workspace { get; set; } = default!;

    [Inject] public ScopedRunner Run { get; set; } = default!;

    [Inject] public RunEvents Events { get; set; } = default!;

    [Inject] public NavigationManager Navigation { get; set; } = default!;

    private bool Filtered => !string.IsNullOrWhiteSpace(text) || tag is not null || status is not null || datasetId is not null;

    protected override async Task OnInitializedAsync()
    {
        Events.Updated += OnRunUpdated;
        Workspace.Changed += OnWorkspaceChanged;
        await LoadDatasetsAsync();
    }

    private async Task LoadDatasetsAsync()
    {
        knownTags = Workspace.CurrentTeam is { } current
            ? await Run.RunAsync<RunService, List<string>>(s => s.TagsAsync(Workspace.UserId, current.Id))
            : [];
        datasets = Workspace.CurrentTeam is { } team
            ? [.. (await Run.RunAsync<RunService, List<(Guid Id, string Name, int ImageCount, int ImageSize, int Channels, int ClassCount)>>(
                s => s.TrainableDatasetsAsync(Workspace.UserId, team.Id))).Select(d => (d.Id, d.Name))]
            : [];
    }

    /// <summary>The grid's data source: its page, page size and sort go to the database with the filters above it.</summary>
    private async Task<GridData<RunSummary>> LoadPageAsync(GridState<RunSummary> state, CancellationToken ct)
    {
        if (Workspace.CurrentTeam is not { } team) return new GridData<RunSummary> { Items = [], TotalItems = 0 };
        var sort = state.SortDefinitions.FirstOrDefault();
        var query = new RunQuery(
            Skip: state.Page * state.PageSize, Take: state.PageSize,
            Sort: ToSort(sort?.SortBy), Descending: sort?.Descending ?? true,
            Status: status, DatasetId: datasetId, Text: text, Tag: tag);
        var page = await Run.RunAsync<RunService, RunPage>(s => s.PageAsync(Workspace.UserId, team.Id, query, ct));
        shown = page.Items;
        return new GridData<RunSummary> { Items = page.Items, TotalItems = page.TotalCount };
    }

    private static RunSort ToSort(string? column) => column switch
    {
        nameof(RunSummary.Status) => RunSort.Status,
        nameof(RunSummary.DatasetName) => RunSort.Dataset,
        nameof(RunSummary.Epoch) => RunSort.Epoch,
        nameof(RunSummary.FinalTrainLoss) => RunSort.TrainLoss,
        nameof(RunSummary.FinalValLoss) => RunSort.ValLoss,
        _ => RunSort.Created,
    };

    private Task OnTextChanged(string? value) { text = value; return ReloadAsync(); }

    private Task OnTagChanged(string? value) { tag = value; return ReloadAsync(); }

    private Task OnStatusChanged(string value) { status = Enum.TryParse<RunStatus>(value, out var s) ? s : null; return ReloadAsync(); }

    private Task OnDatasetChanged(Guid value) { datasetId = value == Guid.Empty ? null : value; return ReloadAsync(); }

    private string DatasetName(Guid id) => id == Guid.Empty ? "Any dataset" : datasets.FirstOrDefault(d => d.Id == id).Name ?? "";

    private Task ReloadAsync() => grid?.ReloadServerData() ?? Task.CompletedTask;

    private static string Created(RunSummary r) => r.CreatedAt.ToLocalTime().ToString("yyyy-MM-dd HH:mm");

    // Status or epoch changes of a run on the page shown refresh that page; other runs' progress is ignored.
    private void OnRunUpdated(RunUpdate update)
    {
        if (shown.Any(r => r.Id == update.RunId && (r.Status != update.Status || r.Epoch != update.Epoch)))
            _ = InvokeAsync(ReloadAsync);
    }

    private void OnWorkspaceChanged() => _ = InvokeAsync(async () =>
    {
        selected.Clear();
        (text, tag, status, datasetId) = (null, null, null, null);
        await LoadDatasetsAsync();
        await ReloadAsync();
        StateHasChanged();
    });

    private void Toggle(Guid id, bool on)
    {
        if (on && selected.Count < 4) selected.Add(id);
        else selected.Remove(id);
    }

    private void Compare() => Navigation.NavigateTo("runs/compare?ids=" + string.Join(",", selected));

    public void Dispose()
    {
        Events.Updated -= OnRunUpdated;
        Workspace.Changed -= OnWorkspaceChanged;
    }
}
