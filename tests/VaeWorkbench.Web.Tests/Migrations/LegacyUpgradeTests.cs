using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using VaeWorkbench.Web.Data;
using VaeWorkbench.Web.Tests.Infrastructure;
using Xunit.Abstractions;

namespace VaeWorkbench.Web.Tests.Migrations;

/// <summary>
/// tests/fixtures/pre-ef-migrations is a data folder written by the last release before EF Core migrations (SQL-file
/// migrations, a hand-written Identity store): two users, three teams, tokens, datasets, a run, a model, scores, reviews,
/// tags, an augmented set, the registry and the audit log (make-legacy-db.sh beside it rebuilt it). Upgrading it must
/// keep every row, and its users must sign in with their passwords and tokens as before.
/// </summary>
public sealed class LegacyUpgradeTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dataDirectory = CopyFixture();

    [Fact]
    public async Task A_database_from_before_ef_migrations_is_upgraded_in_place_with_every_row_kept_and_its_users_sign_in()
    {
        var file = Path.Combine(_dataDirectory, "vaeworkbench.db");
        var before = await SqliteSchema.RowCountsAsync(file);
        Assert.Equal(2, before["Users"]);

        var started = System.Diagnostics.Stopwatch.StartNew();
        using var factory = new WorkbenchFactory(sharedDataDirectory: _dataDirectory);
        var anonymous = factory.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/healthz")).StatusCode);
        output.WriteLine($"start-up with the upgrade: {started.ElapsedMilliseconds} ms");

        var after = await SqliteSchema.RowCountsAsync(file);
        foreach (var (table, count) in before)
        {
            var now = table == "Users" ? "AspNetUsers" : table;
            output.WriteLine($"{table,-20} {count,5} -> {now,-20} {after[now],5}");
            Assert.True(count == after[now], $"{table} had {count} rows, {now} has {after[now]} after the upgrade");
        }
        Assert.False(after.ContainsKey("Users"));
        var history = await MigrationTests.HistoryAsync(file);
        Assert.Contains(DatabaseMigrator.BaselineMigration, history);
        Assert.DoesNotContain(history, DatabaseMigrator.LegacyScriptMigrations.Contains);

        // The old owner signs in with her password, and her token from before the upgrade still works.
        var alice = await SignInAsync(anonymous, "alice@example.com", "alice-password-1");
        var oldToken = (await File.ReadAllTextAsync(Path.Combine(_dataDirectory, "alice-token.txt"))).Trim();
        var me = await GetJsonAsync(factory, oldToken, "/api/me");
        Assert.Equal("alice@example.com", me.GetProperty("email").GetString());
        var lab = me.GetProperty("teams").EnumerateArray().Single(t => t.GetProperty("name").GetString() == "Vision lab");
        Assert.Equal("Owner", lab.GetProperty("role").GetString());
        var labId = lab.GetProperty("id").GetGuid();

        // She owns the same objects.
        Assert.Equal(2, (await GetJsonAsync(factory, alice, $"/api/datasets?teamId={labId}")).GetArrayLength());
        var runs = await GetJsonAsync(factory, alice, $"/api/runs?teamId={labId}");
        Assert.Equal("Succeeded", runs.EnumerateArray().Single().GetProperty("status").GetString());
        // A run that finished before reconstruction grids were kept opens without one (the page then links to the model).
        using (var scope = factory.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            var aliceId = db.Users.Single(u => u.Email == "alice@example.com").Id;
            var oldRun = runs.EnumerateArray().Single().GetProperty("id").GetGuid();
            Assert.Null(await scope.ServiceProvider.GetRequiredService<Runs.RunService>().FinalReconstructionAsync(aliceId, oldRun));
        }
        var registry = await GetJsonAsync(factory, alice, $"/api/registry?teamId={labId}");
        Assert.Equal("fashion-mlp", registry.EnumerateArray().Single().GetProperty("name").GetString());
        using var download = NewClient(factory, alice);
        var file1 = await download.GetAsync($"/api/registry/fashion-mlp/versions/1/download?teamId={labId}");
        Assert.Equal(HttpStatusCode.OK, file1.StatusCode);
        Assert.True((await file1.Content.ReadAsByteArrayAsync()).Length > 1000);

        // The invited member keeps his role.
        var bob = await SignInAsync(anonymous, "bob@example.com", "bob-password-1");
        var bobTeams = (await GetJsonAsync(factory, bob, "/api/me")).GetProperty("teams").EnumerateArray();
        Assert.Equal("Editor", bobTeams.Single(t => t.GetProperty("id").GetGuid() == labId).GetProperty("role").GetString());
    }

    [Fact]
    public async Task A_wrong_password_is_still_refused_after_the_upgrade()
    {
        using var factory = new WorkbenchFactory(sharedDataDirectory: _dataDirectory);
        var response = await factory.CreateClient().PostAsJsonAsync("/api/auth/token", new { email = "alice@example.com", password = "not-her-password", name = "x" });
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    private static async Task<string> SignInAsync(HttpClient anonymous, string email, string password)
    {
        var response = await anonymous.PostAsJsonAsync("/api/auth/token", new { email, password, name = "after upgrade" });
        await ApiClient.EnsureStatusAsync(response, HttpStatusCode.OK);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
    }

    private static async Task<JsonElement> GetJsonAsync(WorkbenchFactory factory, string token, string url)
    {
        using var client = NewClient(factory, token);
        var response = await client.GetAsync(url);
        await ApiClient.EnsureStatusAsync(response, HttpStatusCode.OK);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static HttpClient NewClient(WorkbenchFactory factory, string token)
    {
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private static string CopyFixture()
    {
        var target = Path.Combine(Path.GetTempPath(), "vwb-legacy-" + Guid.NewGuid().ToString("N"));
        PreEfMigrationsFixture.CopyTo(target);
        return target;
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_dataDirectory)) Directory.Delete(_dataDirectory, recursive: true);
    }
}
