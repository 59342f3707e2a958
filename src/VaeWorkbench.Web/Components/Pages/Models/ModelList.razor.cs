using Microsoft.AspNetCore.Components;
using MudBlazor;
using VaeWorkbench.Web.Components.Layout;
using VaeWorkbench.Web.Hosting;
using VaeWorkbench.Web.Runs;

namespace VaeWorkbench.Web.Components.Pages.Models;

/// <summary>The team's trained models, a page at a time from <see cref="ModelService.PageAsync"/>: it sorts, filters and counts.</summary>
public partial class ModelList : IDisposable
{
    private MudDataGrid<ModelSummary> grid = default!;
    private string search = "";
    private string architecture = "";

    [CascadingParameter] public Workspace Workspace { get; set; } = default!;

    [Inject] public ScopedRunner Run { get; set; } = default!;

    protected override void OnInitialized() => Workspace.Changed += OnWorkspaceChanged;

    private async Task<GridData<ModelSummary>> LoadAsync(GridState<ModelSummary> state, CancellationToken ct)
    {
        if (Workspace.CurrentTeam is not { } team) return new GridData<ModelSummary> { Items = [], TotalItems = 0 };
        var sort = state.SortDefinitions.FirstOrDefault();
        var column = sort is null ? null : grid.RenderedColumns.FirstOrDefault(c => c.PropertyName == sort.SortBy);
        var query = new ModelQuery(state.Page * state.PageSize, state.PageSize, search, architecture,
            column?.Tag is ModelSort by ? by : ModelSort.Created, sort?.Descending ?? true);
        var page = await Run.RunAsync<ModelService, ModelPage>(s => s.PageAsync(Workspace.UserId, team.Id, query, ct));
        return new GridData<ModelSummary> { Items = page.Items, TotalItems = page.Total };
    }

    private Task SearchChanged(string? text)
    {
        search = text ?? "";
        return grid.ReloadServerData();
    }

    private Task ArchitectureChanged(string value)
    {
        architecture = value;
        return grid.ReloadServerData();
    }

    private static string Architecture(ModelSummary model)
    {
        var name = model.Config.TryGetProperty("architecture", out var a) ? a.GetString() : null;
        var label = name switch { "mlp" => "MLP", "conv" => "Conv", null => "Unknown", _ => name };
        return model.Config.TryGetProperty("latent", out var latent) ? $"{label}, latent {latent.GetInt32()}" : label;
    }

    private void OnWorkspaceChanged() => _ = InvokeAsync(grid.ReloadServerData);

    public void Dispose() => Workspace.Changed -= OnWorkspaceChanged;
}
