using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using VaeWorkbench.Web.Tests.Infrastructure;

namespace VaeWorkbench.Web.Tests.Postgres;

/// <summary>The app on an empty PostgreSQL database: it creates it through every migration and reports ready.</summary>
[Trait("Category", PostgresDatabase.Category)]
public sealed class PostgresReadinessTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>
{
    [Fact]
    public async Task Start_up_on_an_empty_database_applies_every_migration_and_the_ready_probe_passes()
    {
        using var factory = new WorkbenchFactory(database.Settings());
        var response = await factory.CreateClient().GetAsync("/health/ready");
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        var checks = JsonDocument.Parse(body).RootElement.GetProperty("checks").EnumerateArray()
            .ToDictionary(c => c.GetProperty("name").GetString()!, c => c.GetProperty("status").GetString());
        Assert.Equal("Healthy", checks["database"]);
        Assert.Equal("Healthy", checks["migrations"]);
        Assert.Equal("Healthy", checks["storage"]);

        await using var db = database.Open();
        Assert.Equal(db.Database.GetMigrations(), await db.Database.GetAppliedMigrationsAsync());
        Assert.Equal("Npgsql.EntityFrameworkCore.PostgreSQL", db.Database.ProviderName);
    }
}
