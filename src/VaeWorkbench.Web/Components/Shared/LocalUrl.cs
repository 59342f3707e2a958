namespace VaeWorkbench.Web.Components.Shared;

/// <summary>Keeps post-sign-in redirects on this site, so a crafted returnUrl cannot send a user elsewhere.</summary>
public static class LocalUrl
{
    public static string OrHome(string? url) =>
        url is { Length: > 0 } && url[0] == '/' && !url.StartsWith("//", StringComparison.Ordinal) && !url.StartsWith("/\\", StringComparison.Ordinal)
            ? url
            : "/";
}
