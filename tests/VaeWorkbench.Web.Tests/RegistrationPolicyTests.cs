using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using VaeWorkbench.Web.Tests.Infrastructure;

namespace VaeWorkbench.Web.Tests;

public sealed class RegistrationPolicyTests : IDisposable
{
    private readonly WorkbenchFactory _factory = new(new() { ["Auth:OpenRegistration"] = "false" });

    [Fact]
    public async Task Closed_registration_needs_a_valid_invite_code_and_joins_its_team()
    {
        var anonymous = _factory.CreateClient();
        var refused = await anonymous.PostAsJsonAsync("/api/auth/register", new { email = "x@example.test", password = "long-enough-password" });
        await ApiClient.AssertProblemAsync(refused, HttpStatusCode.Forbidden);
        var bogus = await anonymous.PostAsJsonAsync("/api/auth/register", new { email = "x@example.test", password = "long-enough-password", inviteCode = "inv_nope" });
        await ApiClient.AssertProblemAsync(bogus, HttpStatusCode.BadRequest);

        // The first user of a closed server is created out of band; here, through the same service the API uses.
        using (var scope = _factory.Services.CreateScope())
        {
            var teams = scope.ServiceProvider.GetRequiredService<VaeWorkbench.Web.Teams.TeamService>();
            var db = scope.ServiceProvider.GetRequiredService<VaeWorkbench.Web.Data.AppDbContext>();
            var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<VaeWorkbench.Web.Data.Entities.AppUser>>();
            var admin = new VaeWorkbench.Web.Data.Entities.AppUser { UserName = "admin@example.test", Email = "admin@example.test" };
            Assert.True((await users.CreateAsync(admin, "admin-password-1")).Succeeded);
            var team = await teams.CreateTeamAsync(admin.Id, "Lab");
            var code = await teams.CreateInviteAsync(admin.Id, team.Id, VaeWorkbench.Web.Data.Entities.TeamRole.Editor);

            var invited = await anonymous.PostAsJsonAsync("/api/auth/register", new { email = "x@example.test", password = "long-enough-password", inviteCode = code });
            await ApiClient.EnsureStatusAsync(invited, HttpStatusCode.Created);
            var roles = db.TeamMembers.Where(m => m.User!.Email == "x@example.test").Select(m => new { m.TeamId, m.Role }).ToList();
            Assert.Contains(roles, r => r.TeamId == team.Id && r.Role == VaeWorkbench.Web.Data.Entities.TeamRole.Editor);
            Assert.Equal(2, roles.Count); // the invited team plus their own personal team
        }
    }

    public void Dispose() => _factory.Dispose();
}
