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
            var invites = scope.ServiceProvider.GetRequiredService<VaeWorkbench.Web.Teams.InviteService>();
            var db = scope.ServiceProvider.GetRequiredService<VaeWorkbench.Web.Data.AppDbContext>();
            var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<VaeWorkbench.Web.Data.Entities.AppUser>>();
            var admin = new VaeWorkbench.Web.Data.Entities.AppUser { UserName = "admin@example.test", Email = "admin@example.test" };
            Assert.True((await users.CreateAsync(admin, "admin-password-1")).Succeeded);
            var team = await teams.CreateTeamAsync(admin.Id, "Lab");
            var code = (await invites.CreateAsync(admin.Id, team.Id, VaeWorkbench.Web.Data.Entities.TeamRole.Editor)).Code;

            var invited = await anonymous.PostAsJsonAsync("/api/auth/register", new { email = "x@example.test", password = "long-enough-password", inviteCode = code });
            await ApiClient.EnsureStatusAsync(invited, HttpStatusCode.Created);
            var roles = db.TeamMembers.Where(m => m.User!.Email == "x@example.test").Select(m => new { m.TeamId, m.Role }).ToList();
            Assert.Contains(roles, r => r.TeamId == team.Id && r.Role == VaeWorkbench.Web.Data.Entities.TeamRole.Editor);
            // Only the team they were invited to: no empty personal team of their own in front of it.
            Assert.Single(roles);
            var current = db.Users.Where(u => u.Email == "x@example.test").Select(u => u.CurrentTeamId).Single();
            Assert.Equal(team.Id, current);
        }
    }

    public void Dispose() => _factory.Dispose();
}
