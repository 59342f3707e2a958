using Microsoft.AspNetCore.Http.HttpResults;
using VaeWorkbench.Web.Identity;

namespace VaeWorkbench.Web.Api;

public sealed record CreateTokenRequest(string? Name);

public sealed record CreatedTokenResponse(string Token, ApiTokenSummary Summary);

internal static class TokensApi
{
    public static void MapTokensApi(this RouteGroupBuilder api)
    {
        var tokens = api.MapGroup("/tokens").WithTags("Tokens").RequireAuthorization();

        tokens.MapGet("/", async Task<Ok<List<ApiTokenSummary>>> (HttpContext http, ApiTokenService service, CancellationToken ct) =>
            TypedResults.Ok(await service.ListAsync(http.User.UserId(), ct)))
            .WithSummary("The caller's personal access tokens: name, prefix and dates, never the token itself.");

        tokens.MapPost("/", async Task<Created<CreatedTokenResponse>> (CreateTokenRequest request, HttpContext http, ApiTokenService service, CancellationToken ct) =>
        {
            var (token, summary) = await service.CreateAsync(http.User.UserId(), request.Name, ct);
            return TypedResults.Created($"/api/tokens/{summary.Id}", new CreatedTokenResponse(token, summary));
        }).WithSummary("Create a personal access token. The token is returned once and only its hash is kept.");

        tokens.MapDelete("/{tokenId:guid}", async Task<NoContent> (Guid tokenId, HttpContext http, ApiTokenService service, CancellationToken ct) =>
        {
            await service.RevokeAsync(http.User.UserId(), tokenId, ct);
            return TypedResults.NoContent();
        }).WithSummary("Revoke a token. It is refused (401) from then on.");
    }
}
