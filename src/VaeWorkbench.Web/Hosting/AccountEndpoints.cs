using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using VaeWorkbench.Web.Data.Entities;
using VaeWorkbench.Web.Identity;

namespace VaeWorkbench.Web.Hosting;

internal static class AccountEndpoints
{
    /// <summary>
    /// Sign-out is a form POST. Because it binds a form field, the antiforgery middleware validates it, so no other site
    /// can sign a user out. Signing out deletes the session on the server (<see cref="DatabaseTicketStore"/>).
    /// </summary>
    public static void MapAccountEndpoints(this WebApplication app)
    {
        app.MapPost("/account/logout", async Task<RedirectHttpResult> (SignInManager<AppUser> signIn, [FromForm] string? returnUrl) =>
        {
            await signIn.SignOutAsync();
            var target = returnUrl is { Length: > 0 } && returnUrl.StartsWith('/') && !returnUrl.StartsWith("//") ? returnUrl : "/";
            return TypedResults.LocalRedirect($"~/account/login?returnUrl={Uri.EscapeDataString(target)}");
        }).ExcludeFromDescription();

        // Every session of the account, on every device; the new security stamp also ends open Blazor circuits.
        app.MapPost("/account/logout-everywhere", async Task<RedirectHttpResult> (
            HttpContext http, SignInManager<AppUser> signIn, DatabaseTicketStore sessions, [FromForm] string? returnUrl) =>
        {
            if (await signIn.UserManager.GetUserAsync(http.User) is { } user)
            {
                await sessions.RemoveAllAsync(user.Id, http.RequestAborted);
                await signIn.UserManager.UpdateSecurityStampAsync(user);
            }
            await signIn.SignOutAsync();
            return TypedResults.LocalRedirect("~/account/login");
        }).ExcludeFromDescription();
    }
}
