using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.ApiExplorer;

namespace VaeWorkbench.Web.Api.OpenApi;

internal static class EndpointAuthorization
{
    /// <summary>
    /// Whether the endpoint needs a signed-in caller, decided as the authorization middleware decides it: an
    /// <see cref="IAllowAnonymous"/> anywhere on the endpoint or its groups wins, else any <see cref="IAuthorizeData"/>
    /// demands authentication (the app sets no fallback policy).
    /// </summary>
    public static bool RequiresAuthorization(this ApiDescription description)
    {
        var metadata = description.ActionDescriptor.EndpointMetadata;
        return !metadata.OfType<IAllowAnonymous>().Any() && metadata.OfType<IAuthorizeData>().Any();
    }
}
