using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using VaeWorkbench.Web.Hosting;
using VaeWorkbench.Web.Identity;

namespace VaeWorkbench.Web.Components.Layout;

public partial class MainLayout : IDisposable
{
    private bool sidebarExpanded = true;
    private Workspace? workspace;

    [CascadingParameter] public Task<AuthenticationState>? AuthenticationState { get; set; }

    [Inject] public ScopedRunner Run { get; set; } = default!;

    protected override async Task OnInitializedAsync()
    {
        if (AuthenticationState is null) return;
        var user = (await AuthenticationState).User;
        if (user.Identity?.IsAuthenticated != true) return;
        workspace = new Workspace(Run, user.UserId(), user.Identity.Name ?? "");
        workspace.Changed += OnWorkspaceChanged;
        await workspace.ReloadAsync();
    }

    private void OnWorkspaceChanged() => InvokeAsync(StateHasChanged);

    public void Dispose()
    {
        if (workspace is not null) workspace.Changed -= OnWorkspaceChanged;
    }
}
