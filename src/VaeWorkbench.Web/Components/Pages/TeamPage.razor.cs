using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;
using MudBlazor;
using VaeWorkbench.Web.Components.Layout;
using VaeWorkbench.Web.Data.Entities;
using VaeWorkbench.Web.Hosting;
using VaeWorkbench.Web.Teams;

namespace VaeWorkbench.Web.Components.Pages;

public partial class TeamPage : IDisposable
{
    private static readonly TeamRole[] roles = Enum.GetValues<TeamRole>();
    private List<MemberSummary> members = [];
    private string teamName = "";
    private TeamRole inviteRole = TeamRole.Viewer;
    private CreatedInvite? createdInvite;
    private List<InviteSummary> pendingInvites = [];
    private string joinCode = "";
    private string newTeamName = "";

    [CascadingParameter] public Workspace Workspace { get; set; } = default!;

    [Inject] public ScopedRunner Run { get; set; } = default!;

    [Inject] public ISnackbar Snackbar { get; set; } = default!;

    [Inject] public NavigationManager Navigation { get; set; } = default!;

    [Inject] public IJSRuntime JS { get; set; } = default!;

    private string InviteLink => createdInvite is null ? "" : InviteService.Link(Navigation.BaseUri, createdInvite.Code);

    protected override async Task OnInitializedAsync()
    {
        Workspace.Changed += OnWorkspaceChanged;
        await LoadAsync();
    }

    private void OnWorkspaceChanged() => InvokeAsync(async () =>
    {
        createdInvite = null;
        await LoadAsync();
        StateHasChanged();
    });

    private async Task LoadAsync()
    {
        if (Workspace.CurrentTeam is not { } team) return;
        teamName = team.Name;
        await Guarded(async () =>
        {
            members = await Run.RunAsync<TeamService, List<MemberSummary>>(s => s.MembersAsync(Workspace.UserId, team.Id));
            pendingInvites = Workspace.IsOwner
                ? await Run.RunAsync<InviteService, List<InviteSummary>>(s => s.ListPendingAsync(Workspace.UserId, team.Id))
                : [];
        });
    }

    private Task RenameAsync() => Act(s => s.RenameAsync(Workspace.UserId, CurrentTeamId, teamName), reloadWorkspace: true);

    private Task ChangeRoleAsync(MemberSummary member, TeamRole role) =>
        Act(s => s.ChangeRoleAsync(Workspace.UserId, CurrentTeamId, member.UserId, role), reloadWorkspace: member.UserId == Workspace.UserId);

    private Task RemoveAsync(MemberSummary member) =>
        Act(s => s.RemoveMemberAsync(Workspace.UserId, CurrentTeamId, member.UserId), reloadWorkspace: member.UserId == Workspace.UserId);

    private Task InviteAsync() => Guarded(async () =>
    {
        var role = inviteRole;
        createdInvite = await Run.RunAsync<InviteService, CreatedInvite>(s => s.CreateAsync(Workspace.UserId, CurrentTeamId, role));
        await LoadAsync();
    });

    private Task RevokeAsync(InviteSummary invite) => Guarded(async () =>
    {
        await Run.RunAsync<InviteService>(s => s.RevokeAsync(Workspace.UserId, CurrentTeamId, invite.Id));
        if (createdInvite?.Id == invite.Id) createdInvite = null;
        Snackbar.Add($"The {invite.Role} invite is revoked; its link now says so.", Severity.Info);
        await LoadAsync();
    });

    private async Task CopyInviteLinkAsync()
    {
        await JS.InvokeVoidAsync("vwbCopyText", InviteLink);
        Snackbar.Add("Invite link copied.", Severity.Success);
    }

    private Task JoinAsync() => Guarded(async () =>
    {
        var team = await Run.RunAsync<InviteService, TeamSummary>(s => s.JoinAsync(Workspace.UserId, joinCode));
        joinCode = "";
        Snackbar.Add($"You joined {team.Name} as {team.Role}. It is now the team you work in.", Severity.Success);
        await Workspace.SwitchAsync(team.Id);
    });

    private Task CreateTeamAsync() => Guarded(async () =>
    {
        var team = await Run.RunAsync<TeamService, Team>(s => s.CreateTeamAsync(Workspace.UserId, newTeamName));
        newTeamName = "";
        await Workspace.SwitchAsync(team.Id);
    });

    private Guid CurrentTeamId => Workspace.CurrentTeam?.Id ?? Guid.Empty;

    private Task Act(Func<TeamService, Task> action, bool reloadWorkspace) => Guarded(async () =>
    {
        await Run.RunAsync(action);
        if (reloadWorkspace) await Workspace.ReloadAsync();
        else await LoadAsync();
    });

    /// <summary>Shows the server's refusal (role too low, removed from the team, invalid input) instead of breaking the circuit.</summary>
    private async Task Guarded(Func<Task> action)
    {
        try
        {
            await action();
        }
        catch (Exception e) when (e is AccessDeniedException or RequestRejectedException)
        {
            Snackbar.Add($"Not done: {e.Message}", Severity.Error);
            await Workspace.ReloadAsync();
        }
    }

    public void Dispose() => Workspace.Changed -= OnWorkspaceChanged;
}
