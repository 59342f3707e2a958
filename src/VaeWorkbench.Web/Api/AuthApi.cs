using Microsoft.AspNetCore.Http.HttpResults;
using VaeWorkbench.Web.Hosting;
using VaeWorkbench.Web.Identity;
using VaeWorkbench.Web.Teams;

namespace VaeWorkbench.Web.Api;

public sealed record RegisterRequest(string? Email, string? Password, string? InviteCode);

public sealed record RegisterResponse(string Id, string Email);

public sealed record TokenRequest(string? Email, string? Password, string? Name);

public sealed record TokenResponse(string Token);

internal static class AuthApi
{
    public static void MapAuthApi(this RouteGroupBuilder api)
    {
        var auth = api.MapGroup("/auth").WithTags("Auth").AllowAnonymous();

        auth.MapPost("/register", async Task<Created<RegisterResponse>> (RegisterRequest request, AccountService accounts, CancellationToken ct) =>
        {
            var user = await accounts.RegisterAsync(request.Email, request.Password, request.InviteCode, ct);
            return TypedResults.Created("/api/me", new RegisterResponse(user.Id, user.Email!));
        }).WithSummary("Create a user with a personal team. Needs an invite code unless Auth:OpenRegistration is true.")
            // Its "already registered" answer tells whether an address has an account: no faster to ask than sign-in.
            .WithMetadata(new SignInRateLimitedAttribute("email"));

        auth.MapPost("/token", async Task<Results<Ok<TokenResponse>, ProblemHttpResult>> (
            TokenRequest request, AccountService accounts, ApiTokenService tokens, CancellationToken ct) =>
        {
            var (result, user) = await accounts.CheckPasswordAsync(request.Email, request.Password);
            return result switch
            {
                PasswordCheck.Ok => TypedResults.Ok(new TokenResponse((await tokens.CreateAsync(user!.Id, request.Name, ct)).Token)),
                PasswordCheck.LockedOut => TypedResults.Problem(
                    statusCode: StatusCodes.Status403Forbidden, title: "Account locked",
                    detail: "This account is locked after too many failed sign-ins. Try again later."),
                _ => TypedResults.Problem(
                    statusCode: StatusCodes.Status401Unauthorized, title: "Sign-in failed",
                    detail: "The e-mail or password is wrong."),
            };
        }).ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden)
          .WithSummary("Exchange e-mail and password for a personal access token. Failures count toward lockout.")
            .WithMetadata(new SignInRateLimitedAttribute("email"));
    }
}
