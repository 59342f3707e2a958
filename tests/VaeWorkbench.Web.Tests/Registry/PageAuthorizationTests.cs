using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components.Endpoints;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Routing;
using VaeWorkbench.Web.Tests.Infrastructure;

namespace VaeWorkbench.Web.Tests.Registry;

/// <summary>
/// Every page, from the app's <see cref="EndpointDataSource"/>: only the sign-in and registration pages are open;
/// every other page sends an anonymous visitor to the sign-in page, so a new page without [Authorize] fails here.
/// What a signed-in member may do on a page is enforced by the services the page calls (see EndpointPermissionTests).
/// </summary>
public sealed partial class PageAuthorizationTests : IDisposable
{
    // The invite link's page shows only what its secret code unlocks (the team's name and the role) and offers to sign
    // in or register; joining itself needs a signed-in user (JoinTeamTests).
    private static readonly HashSet<string> AnonymousPages = ["/account/login", "/account/register", "/join/{Code}"];
    private readonly WorkbenchFactory _factory = new();

    [Fact]
    public async Task Every_page_but_sign_in_registration_and_the_invite_link_needs_a_signed_in_user()
    {
        var pages = _factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<ComponentTypeMetadata>() is not null)
            .ToList();
        Assert.True(pages.Count >= 10, $"only {pages.Count} pages found");
        var anonymous = pages.Where(e => e.Metadata.GetMetadata<IAllowAnonymous>() is not null).Select(e => e.RoutePattern.RawText!).ToHashSet();
        Assert.Equal(AnonymousPages.Order(), anonymous.Order());

        var browser = _factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        foreach (var pattern in pages.Select(e => e.RoutePattern.RawText!).Where(p => !AnonymousPages.Contains(p)))
        {
            var url = Parameter().Replace(pattern, m => m.Groups[1].Value switch
            {
                ":guid" => Guid.NewGuid().ToString(),
                ":int" => "1",
                _ => "some-name",
            });
            var response = await browser.GetAsync(url);
            Assert.True(response.StatusCode == HttpStatusCode.Redirect && response.Headers.Location?.ToString().Contains("/account/login", StringComparison.Ordinal) == true,
                $"{url}: expected a redirect to the sign-in page, got {(int)response.StatusCode} {response.Headers.Location}");
        }
    }

    [GeneratedRegex(@"\{[^}:]+(:[a-z]+)?\}")]
    private static partial Regex Parameter();

    public void Dispose() => _factory.Dispose();
}
