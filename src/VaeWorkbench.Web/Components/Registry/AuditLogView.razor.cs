using Microsoft.AspNetCore.Components;
using MudBlazor;
using VaeWorkbench.Web.Audit;
using VaeWorkbench.Web.Components.Layout;
using VaeWorkbench.Web.Hosting;
using VaeWorkbench.Web.Teams;

namespace VaeWorkbench.Web.Components.Registry;

public partial class AuditLogView
{
    private static readonly int[] PageSizes = [10, 25, 50, 100];
    private MudDataGrid<AuditRecord>? grid;
    private string? action;
    private string? userId;
    private Guid loadedFor;
    private AuditText text = new(Guid.Empty, [], []);
    private AuditRawEntries? raw;

    [Parameter, EditorRequired] public Guid TeamId { get; set; }

    [Parameter] public IReadOnlyList<MemberSummary> Members { get; set; } = [];

    [CascadingParameter] public Workspace Workspace { get; set; } = default!;

    [Inject] public ScopedRunner Run { get; set; } = default!;

    private string CsvUrl => $"api/teams/{TeamId}/audit?format=csv"
        + (action is null ? "" : "&action=" + Uri.EscapeDataString(action))
        + (userId is null ? "" : "&userId=" + Uri.EscapeDataString(userId));

    protected override async Task OnParametersSetAsync()
    {
        text = new AuditText(TeamId, Members, Workspace.Teams);
        if (loadedFor == TeamId) return;
        var first = loadedFor == Guid.Empty;
        loadedFor = TeamId;
        (action, userId) = (null, null);
        // The grid loads its first page itself once rendered; another team needs a reload.
        if (!first && grid is not null) await grid.ReloadServerData();
    }

    private async Task<GridData<AuditRecord>> LoadAsync(GridState<AuditRecord> state, CancellationToken ct)
    {
        try
        {
            var filter = new AuditFilter(action, userId);
            var page = await Run.RunAsync<AuditLog, AuditPage>(s => s.PageAsync(Workspace.UserId, TeamId, filter, state.Page * state.PageSize, state.PageSize, ct: ct));
            var images = await Run.RunAsync<AuditLog, Dictionary<string, string>>(s => s.ImageNamesAsync(Workspace.UserId, TeamId, page.Items, ct));
            text = new AuditText(TeamId, Members, Workspace.Teams, images);
            raw?.Show(page.Items);
            return new GridData<AuditRecord> { Items = page.Items, TotalItems = page.Total };
        }
        catch (AccessDeniedException)
        {
            raw?.Show([]);
            return new GridData<AuditRecord> { Items = [], TotalItems = 0 };
        }
    }

    private async Task FilterByActionAsync(string? value)
    {
        action = value;
        await ReloadAsync();
    }

    private async Task FilterByMemberAsync(string? value)
    {
        userId = value;
        await ReloadAsync();
    }

    private async Task ReloadAsync()
    {
        if (grid is not null) await grid.ReloadServerData();
    }

    private string MemberEmail(string? id) => id is null ? "Everyone" : Members.FirstOrDefault(m => m.UserId == id)?.Email ?? "A former member";
}
