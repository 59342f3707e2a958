using System.Net;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using VaeWorkbench.Web.Tests.Infrastructure;

namespace VaeWorkbench.Web.Tests;

public sealed class PlatformTests : IDisposable
{
    private readonly WorkbenchFactory _factory = new();

    [Fact]
    public async Task Healthz_is_200_when_the_database_answers()
    {
        var response = await _factory.CreateClient().GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task The_openapi_document_lists_the_api()
    {
        var json = await _factory.CreateClient().GetStringAsync("/openapi/v1.json");
        var paths = JsonDocument.Parse(json).RootElement.GetProperty("paths");
        foreach (var path in new[] { "/api/auth/register", "/api/auth/token", "/api/me", "/api/teams/{teamId}/invites", "/api/tokens/{tokenId}" })
            Assert.True(paths.TryGetProperty(path, out _), $"{path} missing from the OpenAPI document");
    }

    [Fact]
    public async Task The_database_is_created_in_the_data_directory_in_wal_mode()
    {
        await _factory.CreateClient().GetAsync("/healthz");
        var file = Path.Combine(_factory.DataDirectory, "vaeworkbench.db");
        Assert.True(File.Exists(file));
        await using var connection = new SqliteConnection($"Data Source={file}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode;";
        Assert.Equal("wal", (string?)await command.ExecuteScalarAsync());
        // The sign-in page's antiforgery token needs a Data Protection key; it is written to the database, not to files.
        await _factory.CreateClient().GetStringAsync("/account/login");
        command.CommandText = "SELECT COUNT(*) FROM DataProtectionKeys;";
        Assert.True((long)(await command.ExecuteScalarAsync())! > 0, "no Data Protection key in the database");
        Assert.False(Directory.Exists(Path.Combine(_factory.DataDirectory, "keys")));
    }

    [Fact]
    public async Task The_shell_serves_the_blazor_script_and_mudblazor_assets()
    {
        var client = _factory.CreateClient();
        foreach (var url in new[] { "/_framework/blazor.web.js", "/_content/MudBlazor/MudBlazor.min.js", "/_content/MudBlazor/MudBlazor.min.css", "/css/app.css" })
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(url)).StatusCode);
        var login = await client.GetStringAsync("/account/login");
        Assert.Contains("Sign in", login);
    }

    public void Dispose() => _factory.Dispose();
}
