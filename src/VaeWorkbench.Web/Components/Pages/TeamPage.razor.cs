using Microsoft.AspNetCore.Components;
using Radzen;
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
    private string? inviteCode;
    private string joinCode = "";
    private string newTeamName = "";

    [CascadingParameter] public Workspace Workspace { get; set; } = default!;

    [Inject] public ScopedRunner Run { get; set; } = default!;

    [Inject] public NotificationService Notifications { get; set; } = default!;

    protected override async Task OnInitializedAsync()
    {
        Workspace.Changed += OnWorkspaceChanged;
        await LoadAsync();
    }

    private void OnWorkspaceChanged() => InvokeAsync(async () =>
    {
        inviteCode = null;
        await LoadAsync();
        StateHasChanged();
    });

    private async Task LoadAsync()
    {
        if (Workspace.CurrentTeam is not { } team) return;
        teamName = team.Name;
        await Guarded(async () =>
            members = await Run.RunAsync<TeamService, List<MemberSummary>>(s => s.MembersAsync(Workspace.UserId, team.Id)));
    }

    private Task RenameAsync() => Act(s => s.RenameAsync(Workspace.UserId, CurrentTeamId, teamName), reloadWorkspace: true);

    private Task ChangeRoleAsync(MemberSummary member, TeamRole role) =>
        Act(s => s.ChangeRoleAsync(Workspace.UserId, CurrentTeamId, member.UserId, role), reloadWorkspace: member.UserId == Workspace.UserId);

    private Task RemoveAsync(MemberSummary member) =>
        Act(s => s.RemoveMemberAsync(Workspace.UserId, CurrentTeamId, member.UserId), reloadWorkspace: member.UserId == Workspace.UserId);

    private Task InviteAsync() => Guarded(async () =>
        inviteCode = (await Run.RunAsync<InviteService, CreatedInvite>(s => s.CreateAsync(Workspace.UserId, CurrentTeamId, inviteRole))).Code);

    private Task JoinAsync() => Guarded(async () =>
    {
        var team = await Run.RunAsync<InviteService, TeamSummary>(s => s.JoinAsync(Workspace.UserId, joinCode));
        joinCode = "";
        Notifications.Notify(NotificationSeverity.Success, "Joined", $"You are now {team.Role} in {team.Name}.");
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
            Notifications.Notify(NotificationSeverity.Error, "Not done", e.Message);
            await Workspace.ReloadAsync();
        }
    }

    public void Dispose() => Workspace.Changed -= OnWorkspaceChanged;
}
