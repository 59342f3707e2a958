using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using MudBlazor;
using VaeWorkbench.Web.Components.Layout;
using VaeWorkbench.Web.Hosting;
using VaeWorkbench.Web.Registry;
using VaeWorkbench.Web.Teams;

namespace VaeWorkbench.Web.Components.Registry;

public partial class RegistryList : IDisposable
{
    private static readonly int[] PageSizes = [10, 20, 50, 100];
    private MudDataGrid<RegisteredModelSummary>? grid;
    private string? search;
    // The search the grid shows, which the box may have moved past before the next search.
    private string? searched;
    private string? denied;
    private string? tag;
    private List<string> knownTags = [];

    [CascadingParameter] public Workspace Workspace { get; set; } = default!;

    [Inject] public ScopedRunner Run { get; set; } = default!;

    protected override async Task OnInitializedAsync()
    {
        Workspace.Changed += OnWorkspaceChanged;
        await LoadTagsAsync();
    }

    private async Task LoadTagsAsync()
    {
        try
        {
            knownTags = Workspace.CurrentTeam is { } team
                ? await Run.RunAsync<RegistryService, List<string>>(s => s.TagsAsync(Workspace.UserId, team.Id))
                : [];
        }
        catch (AccessDeniedException)
        {
            // The grid's own load says why the list is empty.
            knownTags = [];
        }
    }

    private string NoMatch => (string.IsNullOrWhiteSpace(searched), tag) switch
    {
        (true, { } t) => $"No model is tagged “{t}”.",
        (false, null) => $"No model's name, notes or tags contain “{searched}”.",
        _ => $"No model tagged “{tag}” has a name, notes or tags containing “{searched}”.",
    };

    private async Task TagChangedAsync(string? value)
    {
        tag = value;
        if (grid is not null) await grid.ReloadServerData();
    }

    private async Task<GridData<RegisteredModelSummary>> LoadAsync(GridState<RegisteredModelSummary> state, CancellationToken ct)
    {
        if (Workspace.CurrentTeam is not { } team) return new GridData<RegisteredModelSummary> { Items = [], TotalItems = 0 };
        var sort = state.SortDefinitions.FirstOrDefault();
        var query = new RegistryQuery(searched, tag, sort?.SortBy switch
        {
            nameof(RegisteredModelSummary.LatestVersion) => RegistrySort.LatestVersion,
            nameof(RegisteredModelSummary.UpdatedAt) => RegistrySort.Updated,
            _ => RegistrySort.Name,
        }, sort?.Descending ?? false, state.Page * state.PageSize, state.PageSize);
        try
        {
            var page = await Run.RunAsync<RegistryService, RegistryPage>(s => s.PageAsync(Workspace.UserId, team.Id, query, ct));
            denied = null;
            return new GridData<RegisteredModelSummary> { Items = page.Items, TotalItems = page.Total };
        }
        catch (AccessDeniedException e)
        {
            // For example, the user was removed from the team while the page was open: the server refuses at once.
            denied = $"{e.Message}. You may no longer be a member of this team.";
            return new GridData<RegisteredModelSummary> { Items = [], TotalItems = 0 };
        }
    }

    private async Task SearchAsync()
    {
        searched = search?.Trim();
        if (grid is not null) await grid.ReloadServerData();
    }

    private async Task SearchOnEnterAsync(KeyboardEventArgs e)
    {
        if (e.Key == "Enter") await SearchAsync();
    }

    private static string Versions(int count) => count == 1 ? "1 version" : $"{count} versions";

    private void OnWorkspaceChanged() => _ = InvokeAsync(async () =>
    {
        tag = null;
        await LoadTagsAsync();
        if (grid is not null) await grid.ReloadServerData();
        StateHasChanged();
    });

    public void Dispose() => Workspace.Changed -= OnWorkspaceChanged;
}
