using System.Net;
using VaeWorkbench.Web.Tests.Infrastructure;

namespace VaeWorkbench.Web.Tests.Backups;

/// <summary>Only server administrators see backup status, in the API and on the page; owning a team does not make one.</summary>
public sealed class BackupAdminTests
{
    [Fact]
    public async Task The_first_registered_user_sees_backups_and_a_later_team_owner_gets_403_in_the_api_and_on_the_page()
    {
        using var factory = new WorkbenchFactory();
        var admin = await factory.RegisterWithTokenAsync();
        var owner = await factory.RegisterWithTokenAsync(); // Owner of their personal team, not a server administrator.

        await ApiClient.EnsureStatusAsync(await admin.Client.GetAsync("/api/admin/backups"), HttpStatusCode.OK);
        var refused = await ApiClient.AssertProblemAsync(await owner.Client.GetAsync("/api/admin/backups"), HttpStatusCode.Forbidden);
        Assert.Contains("server administrator", refused.GetProperty("detail").GetString());
        await ApiClient.AssertProblemAsync(await factory.CreateClient().GetAsync("/api/admin/backups"), HttpStatusCode.Unauthorized);

        var adminPage = await (await factory.SignInThroughFormAsync(admin)).GetAsync("/admin/backups");
        Assert.Equal(HttpStatusCode.OK, adminPage.StatusCode);
        Assert.Contains("No backup has been made", await adminPage.Content.ReadAsStringAsync());
        var ownerPage = await (await factory.SignInThroughFormAsync(owner)).GetAsync("/admin/backups");
        Assert.Equal(HttpStatusCode.Forbidden, ownerPage.StatusCode);
        var body = await ownerPage.Content.ReadAsStringAsync();
        Assert.Contains("Only a server administrator can see backups", body);
        Assert.DoesNotContain("No backup has been made", body);
    }

    [Fact]
    public async Task Administrators_named_in_configuration_replace_the_first_user()
    {
        using var factory = new WorkbenchFactory(new() { ["Admin:Emails:0"] = "Ops@Example.test" });
        var first = await factory.RegisterWithTokenAsync();
        var ops = await factory.RegisterWithTokenAsync("ops@example.test");

        await ApiClient.AssertProblemAsync(await first.Client.GetAsync("/api/admin/backups"), HttpStatusCode.Forbidden);
        await ApiClient.EnsureStatusAsync(await ops.Client.GetAsync("/api/admin/backups"), HttpStatusCode.OK);
    }
}
