using Microsoft.AspNetCore.Http.HttpResults;
using VaeWorkbench.Web.Data.Entities;
using VaeWorkbench.Web.Identity;
using VaeWorkbench.Web.Teams;

namespace VaeWorkbench.Web.Api;

public sealed record TeamNameRequest(string? Name);

public sealed record InviteRequest(TeamRole Role);

public sealed record InviteResponse(string Code);

public sealed record JoinRequest(string? Code);

public sealed record RoleRequest(TeamRole Role);

internal static class TeamsApi
{
    public static void MapTeamsApi(this RouteGroupBuilder api)
    {
        var teams = api.MapGroup("/teams").WithTags("Teams").RequireAuthorization();

        teams.MapGet("/", async Task<Ok<List<TeamSummary>>> (HttpContext http, TeamService service, CancellationToken ct) =>
            TypedResults.Ok(await service.ListForUserAsync(http.User.UserId(), ct)))
            .WithSummary("The teams the caller belongs to, with their role in each.");

        teams.MapPost("/", async Task<Created<TeamSummary>> (TeamNameRequest request, HttpContext http, TeamService service, CancellationToken ct) =>
        {
            var userId = http.User.UserId();
            var team = await service.CreateTeamAsync(userId, request.Name ?? "", ct: ct);
            return TypedResults.Created($"/api/teams/{team.Id}", await service.GetAsync(userId, team.Id, ct));
        }).WithSummary("Create a team owned by the caller.");

        teams.MapGet("/{teamId:guid}", async Task<Ok<TeamSummary>> (Guid teamId, HttpContext http, TeamService service, CancellationToken ct) =>
            TypedResults.Ok(await service.GetAsync(http.User.UserId(), teamId, ct)))
            .WithSummary("A team the caller belongs to.");

        teams.MapPut("/{teamId:guid}", async Task<NoContent> (Guid teamId, TeamNameRequest request, HttpContext http, TeamService service, CancellationToken ct) =>
        {
            await service.RenameAsync(http.User.UserId(), teamId, request.Name ?? "", ct);
            return TypedResults.NoContent();
        }).WithSummary("Rename a team (Owner).");

        teams.MapGet("/{teamId:guid}/members", async Task<Ok<List<MemberSummary>>> (Guid teamId, HttpContext http, TeamService service, CancellationToken ct) =>
            TypedResults.Ok(await service.MembersAsync(http.User.UserId(), teamId, ct)))
            .WithSummary("The team's members and their roles.");

        teams.MapPut("/{teamId:guid}/members/{userId}", async Task<NoContent> (
            Guid teamId, string userId, RoleRequest request, HttpContext http, TeamService service, CancellationToken ct) =>
        {
            await service.ChangeRoleAsync(http.User.UserId(), teamId, userId, request.Role, ct);
            return TypedResults.NoContent();
        }).WithSummary("Change a member's role (Owner).");

        teams.MapDelete("/{teamId:guid}/members/{userId}", async Task<NoContent> (
            Guid teamId, string userId, HttpContext http, TeamService service, CancellationToken ct) =>
        {
            await service.RemoveMemberAsync(http.User.UserId(), teamId, userId, ct);
            return TypedResults.NoContent();
        }).WithSummary("Remove a member (Owner), or leave the team yourself. Takes effect on the member's next action.");

        teams.MapPost("/{teamId:guid}/invites", async Task<Ok<InviteResponse>> (
            Guid teamId, InviteRequest request, HttpContext http, TeamService service, CancellationToken ct) =>
            TypedResults.Ok(new InviteResponse(await service.CreateInviteAsync(http.User.UserId(), teamId, request.Role, ct))))
            .WithSummary("Create a one-time invite code for a role (Owner).");

        teams.MapPost("/join", async Task<Ok<TeamSummary>> (JoinRequest request, HttpContext http, TeamService service, CancellationToken ct) =>
            TypedResults.Ok(await service.JoinAsync(http.User.UserId(), request.Code ?? "", ct)))
            .WithSummary("Redeem an invite code.");
    }
}
