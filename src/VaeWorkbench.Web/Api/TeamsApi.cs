using Microsoft.AspNetCore.Http.HttpResults;
using VaeWorkbench.Web.Data.Entities;
using VaeWorkbench.Web.Identity;
using VaeWorkbench.Web.Teams;

namespace VaeWorkbench.Web.Api;

public sealed record TeamNameRequest(string? Name);

public sealed record InviteRequest(TeamRole Role);

/// <summary>A new invite. <c>url</c> is the link to send; <c>code</c> is the same secret, for typing into the register form.</summary>
public sealed record InviteResponse(Guid Id, string Code, string Url, TeamRole Role, DateTimeOffset ExpiresAt);

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
            Guid teamId, InviteRequest request, HttpContext http, InviteService service, CancellationToken ct) =>
        {
            var invite = await service.CreateAsync(http.User.UserId(), teamId, request.Role, ct);
            var baseUri = $"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}/";
            return TypedResults.Ok(new InviteResponse(invite.Id, invite.Code, InviteService.Link(baseUri, invite.Code), invite.Role, invite.ExpiresAt));
        }).WithSummary("Create a one-time invite link for a role, valid for Auth:InviteValidDays (Owner). The code is shown only here.");

        teams.MapGet("/{teamId:guid}/invites", async Task<Ok<List<InviteSummary>>> (Guid teamId, HttpContext http, InviteService service, CancellationToken ct) =>
            TypedResults.Ok(await service.ListPendingAsync(http.User.UserId(), teamId, ct)))
            .WithSummary("The team's pending invites (unused, unrevoked, unexpired), newest first, without their codes (Owner).");

        teams.MapDelete("/{teamId:guid}/invites/{inviteId:guid}", async Task<NoContent> (Guid teamId, Guid inviteId, HttpContext http, InviteService service, CancellationToken ct) =>
        {
            await service.RevokeAsync(http.User.UserId(), teamId, inviteId, ct);
            return TypedResults.NoContent();
        }).WithSummary("Revoke an unused invite (Owner); its link then says that it was revoked.");

        teams.MapPost("/join", async Task<Ok<TeamSummary>> (JoinRequest request, HttpContext http, InviteService service, CancellationToken ct) =>
            TypedResults.Ok(await service.JoinAsync(http.User.UserId(), request.Code ?? "", ct)))
            .WithSummary("Redeem an invite code: join its team with its role; the team becomes the caller's current team.");
    }
}
