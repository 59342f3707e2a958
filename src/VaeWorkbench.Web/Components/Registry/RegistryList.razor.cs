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

    [CascadingParameter] public Workspace Workspace { get; set; } = default!;

    [Inject] public ScopedRunner Run { get; set; } = default!;

    protected override void OnInitialized() => Workspace.Changed += OnWorkspaceChanged;

    private async Task<GridData<RegisteredModelSummary>> LoadAsync(GridState<RegisteredModelSummary> state, CancellationToken ct)
    {
        if (Workspace.CurrentTeam is not { } team) return new GridData<RegisteredModelSummary> { Items = [], TotalItems = 0 };
        var sort = state.SortDefinitions.FirstOrDefault();
        var query = new RegistryQuery(searched, null, sort?.SortBy switch
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
        if (grid is not null) await grid.ReloadServerData();
        StateHasChanged();
    });

    public void Dispose() => Workspace.Changed -= OnWorkspaceChanged;
}
