using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Identity;

namespace VaeWorkbench.Web.Api;

/// <summary>
/// A browser sends the login cookie on its own, so a state-changing API call authenticated by cookie must also carry
/// an antiforgery token (header <c>X-CSRF-TOKEN</c>). Bearer-token calls cannot be forged by another site and skip this.
/// </summary>
internal sealed class CookieAntiforgeryFilter(IAntiforgery antiforgery) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var changesState = !(HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method) || HttpMethods.IsOptions(http.Request.Method));
        if (changesState && http.User.Identity is { IsAuthenticated: true, AuthenticationType: var type } && type == IdentityConstants.ApplicationScheme)
            await antiforgery.ValidateRequestAsync(http);
        return await next(context);
    }
}
