using VaeWorkbench.Web.Data.Entities;
using VaeWorkbench.Web.Hosting;
using VaeWorkbench.Web.Teams;

namespace VaeWorkbench.Web.Components.Layout;

/// <summary>
/// Who is signed in and which team they work in, cascaded from the layout to every page. It is a view for display:
/// every action still checks the role on the server through <see cref="TeamAccess"/>.
/// </summary>
public sealed class Workspace(ScopedRunner run, string userId, string email)
{
    public string UserId { get; } = userId;

    public string Email { get; } = email;

    public IReadOnlyList<TeamSummary> Teams { get; private set; } = [];

    public TeamSummary? CurrentTeam { get; private set; }

    public bool CanEdit => CurrentTeam?.Role >= TeamRole.Editor;

    public bool IsOwner => CurrentTeam?.Role == TeamRole.Owner;

    public event Action? Changed;

    public async Task ReloadAsync()
    {
        (Teams, CurrentTeam) = await run.RunAsync<TeamService, (IReadOnlyList<TeamSummary>, TeamSummary?)>(async teams =>
            (await teams.ListForUserAsync(UserId), await teams.CurrentTeamAsync(UserId)));
        Changed?.Invoke();
    }

    public async Task SwitchAsync(Guid teamId)
    {
        await run.RunAsync<TeamService>(teams => teams.SwitchCurrentTeamAsync(UserId, teamId));
        await ReloadAsync();
    }
}
