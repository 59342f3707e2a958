using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;
using VaeWorkbench.Web.Tests.Infrastructure;

namespace VaeWorkbench.Web.Tests.Postgres;

/// <summary>
/// Two web servers on one PostgreSQL database, each with its own data folder: the Data Protection keys live in the
/// database, so the sign-in cookie and antiforgery token one issues are accepted by the other.
/// </summary>
[Trait("Category", PostgresDatabase.Category)]
public sealed class SharedDataProtectionTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>
{
    [Fact]
    public async Task A_cookie_and_antiforgery_token_issued_by_one_server_are_accepted_by_another_sharing_the_database()
    {
        using var first = new WorkbenchFactory(database.Settings());
        using var second = new WorkbenchFactory(database.Settings());
        Assert.NotEqual(first.DataDirectory, second.DataDirectory);
        var user = await first.RegisterWithTokenAsync();

        // Signed in through the first server's form; the cookies travel by hand, as a load balancer would send them.
        var jar = new CookieContainerHandler();
        using var firstBrowser = first.CreateDefaultClient(jar);
        Assert.Equal(HttpStatusCode.Redirect, (await BrowserForms.PostLoginAsync(firstBrowser, user.Email, user.Password)).StatusCode);
        var token = await BrowserForms.AntiforgeryTokenAsync(firstBrowser, "/");
        var cookies = jar.Container.GetCookieHeader(first.Server.BaseAddress);
        Assert.Contains(".AspNetCore.Antiforgery", cookies);

        using var secondBrowser = second.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false, AllowAutoRedirect = false });
        using var me = new HttpRequestMessage(HttpMethod.Get, "/api/me");
        me.Headers.Add("Cookie", cookies);
        Assert.Equal(HttpStatusCode.OK, (await secondBrowser.SendAsync(me)).StatusCode);

        using var write = new HttpRequestMessage(HttpMethod.Post, "/api/teams") { Content = JsonContent.Create(new { name = "made on the second server" }) };
        write.Headers.Add("Cookie", cookies);
        write.Headers.Add("X-CSRF-TOKEN", token);
        await ApiClient.EnsureStatusAsync(await secondBrowser.SendAsync(write), HttpStatusCode.Created);

        // The control: a server with its own database (so its own keys) cannot read the same cookie.
        using var stranger = new WorkbenchFactory();
        using var strangerBrowser = stranger.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false, AllowAutoRedirect = false });
        using var foreign = new HttpRequestMessage(HttpMethod.Get, "/api/me");
        foreign.Headers.Add("Cookie", cookies);
        Assert.Equal(HttpStatusCode.Unauthorized, (await strangerBrowser.SendAsync(foreign)).StatusCode);
    }
}
