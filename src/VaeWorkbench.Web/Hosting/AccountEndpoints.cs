using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using VaeWorkbench.Web.Data.Entities;

namespace VaeWorkbench.Web.Hosting;

internal static class AccountEndpoints
{
    /// <summary>
    /// Sign-out is a form POST. Because it binds a form field, the antiforgery middleware validates it,
    /// so no other site can sign a user out.
    /// </summary>
    public static void MapAccountEndpoints(this WebApplication app) =>
        app.MapPost("/account/logout", async Task<RedirectHttpResult> (SignInManager<AppUser> signIn, [FromForm] string? returnUrl) =>
        {
            await signIn.SignOutAsync();
            var target = returnUrl is { Length: > 0 } && returnUrl.StartsWith('/') && !returnUrl.StartsWith("//") ? returnUrl : "/";
            return TypedResults.LocalRedirect($"~/account/login?returnUrl={Uri.EscapeDataString(target)}");
        }).ExcludeFromDescription();
}
