using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using VaeWorkbench.Web.Data.Entities;
using VaeWorkbench.Web.Identity;
using VaeWorkbench.Web.Teams;

namespace VaeWorkbench.Web.Api;

public sealed record MeTeam(Guid Id, string Name, TeamRole Role);

public sealed record MeResponse(string Email, Guid? CurrentTeamId, IReadOnlyList<MeTeam> Teams);

public sealed record SwitchTeamRequest(Guid TeamId);

internal static class MeApi
{
    public static void MapMeApi(this RouteGroupBuilder api)
    {
        var me = api.MapGroup("/me").WithTags("Me").RequireAuthorization();

        me.MapGet("/", async Task<Ok<MeResponse>> (HttpContext http, UserManager<AppUser> users, TeamService teams, CancellationToken ct) =>
        {
            var userId = http.User.UserId();
            var user = await users.FindByIdAsync(userId) ?? throw AccessDeniedException.NotFound("User");
            var list = await teams.ListForUserAsync(userId, ct);
            var current = await teams.CurrentTeamAsync(userId, ct);
            return TypedResults.Ok(new MeResponse(user.Email!, current?.Id, list.Select(t => new MeTeam(t.Id, t.Name, t.Role)).ToList()));
        }).WithSummary("The signed-in user and the teams they belong to, with their role in each.");

        me.MapPut("/current-team", async Task<NoContent> (SwitchTeamRequest request, HttpContext http, TeamService teams, CancellationToken ct) =>
        {
            await teams.SwitchCurrentTeamAsync(http.User.UserId(), request.TeamId, ct);
            return TypedResults.NoContent();
        }).ProducesProblem(StatusCodes.Status404NotFound) // the team named in the body
          .WithSummary("Switch the team the user works in.");
    }
}
