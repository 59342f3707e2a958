using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using VaeWorkbench.Web.Data.Entities;

namespace VaeWorkbench.Web.Identity;

/// <summary>
/// Re-checks an open circuit's user every minute: a deleted user, a session signed out on the server or a changed
/// security stamp (password change, sign-out everywhere) ends the session. Team membership is checked on every action instead (TeamAccess).
/// </summary>
internal sealed class RevalidatingIdentityStateProvider(
    ILoggerFactory loggerFactory,
    IServiceScopeFactory scopes,
    IOptions<IdentityOptions> identityOptions) : RevalidatingServerAuthenticationStateProvider(loggerFactory)
{
    protected override TimeSpan RevalidationInterval => TimeSpan.FromMinutes(1);

    protected override async Task<bool> ValidateAuthenticationStateAsync(AuthenticationState state, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var user = await users.GetUserAsync(state.User);
        if (user is null) return false;
        // Signed out (this session, or everywhere) since the circuit opened.
        if (state.User.FindFirstValue(DatabaseTicketStore.SessionClaim) is { } session
            && !await scope.ServiceProvider.GetRequiredService<DatabaseTicketStore>().ExistsAsync(session, ct)) return false;
        if (!users.SupportsUserSecurityStamp) return true;
        var stamp = state.User.FindFirstValue(identityOptions.Value.ClaimsIdentity.SecurityStampClaimType);
        return stamp == await users.GetSecurityStampAsync(user);
    }
}
