using Microsoft.AspNetCore.Components;
using MudBlazor;
using VaeWorkbench.Web.Augmentation;
using VaeWorkbench.Web.Components.Layout;
using VaeWorkbench.Web.Data.Entities;
using VaeWorkbench.Web.Hosting;

namespace VaeWorkbench.Web.Components.Pages.Augment;

/// <summary>The team's augmented sets, a page at a time: the database sorts, filters and counts (see <see cref="AugmentationService.ListPageAsync"/>).</summary>
public partial class AugmentedSetList : IDisposable
{
    private MudDataGrid<AugmentedSummary>? grid;
    private string? search;
    private AugmentedStatus? statusFilter;
    private string? tagFilter;
    private List<string> knownTags = [];
    private IReadOnlyList<AugmentedSummary> shown = [];

    [CascadingParameter] public Workspace Workspace { get; set; } = default!;

    [Inject] public ScopedRunner Run { get; set; } = default!;

    [Inject] public AugmentationEvents Events { get; set; } = default!;

    private bool Filtered => !string.IsNullOrWhiteSpace(search) || tagFilter is not null || statusFilter is not null;

    protected override async Task OnInitializedAsync()
    {
        Events.Updated += OnUpdate;
        Workspace.Changed += OnTeamChanged;
        await LoadTagsAsync();
    }

    private async Task LoadTagsAsync() => knownTags = Workspace.CurrentTeam is { } team
        ? await Run.RunAsync<AugmentationService, List<string>>(s => s.TagsAsync(Workspace.UserId, team.Id))
        : [];

    private async Task TagChangedAsync(string? value)
    {
        tagFilter = value;
        await ReloadAsync();
    }

    private async Task<GridData<AugmentedSummary>> LoadAsync(GridState<AugmentedSummary> state, CancellationToken ct)
    {
        if (Workspace.CurrentTeam is not { } team) return new GridData<AugmentedSummary> { Items = [], TotalItems = 0 };
        var sort = state.SortDefinitions.FirstOrDefault();
        var query = new AugmentedSetQuery(state.Page * state.PageSize, state.PageSize, SortKey(sort?.SortBy), sort?.Descending ?? true, search, statusFilter, tagFilter);
        var page = await Run.RunAsync<AugmentationService, AugmentedSetPage>(s => s.ListPageAsync(Workspace.UserId, team.Id, query, ct));
        shown = page.Items;
        return new GridData<AugmentedSummary> { Items = page.Items, TotalItems = page.Total };
    }

    /// <summary>The grid names a column by its property path; the query layer by a short key.</summary>
    public static string? SortKey(string? column) => column?.Split('.')[^1] switch
    {
        null => null,
        "DatasetName" => "dataset",
        "Mode" => "mode",
        "Seed" => "seed",
        "Status" => "status",
        "Kept" => "kept",
        _ => "created",
    };

    private async Task SearchChangedAsync(string? value)
    {
        search = value;
        await ReloadAsync();
    }

    private async Task StatusChangedAsync(AugmentedStatus? value)
    {
        statusFilter = value;
        await ReloadAsync();
    }

    private Task ReloadAsync() => grid?.ReloadServerData() ?? Task.CompletedTask;

    private static string ClassSummary(AugmentedSummary set) =>
        string.Join(", ", set.Classes.Take(6).Select(c => $"{c.Name} {c.Count}")) + (set.Classes.Count > 6 ? ", …" : "");

    // Status changes reload the page of sets; per-chunk progress only needs the final state here.
    private void OnUpdate(AugmentationUpdate update)
    {
        if (!shown.Any(s => s.Id == update.SetId && s.Status != update.Status)) return;
        _ = InvokeAsync(ReloadAsync);
    }

    private void OnTeamChanged() => _ = InvokeAsync(async () =>
    {
        tagFilter = null;
        await LoadTagsAsync();
        await ReloadAsync();
        StateHasChanged();
    });

    public void Dispose()
    {
        Events.Updated -= OnUpdate;
        Workspace.Changed -= OnTeamChanged;
    }
}
