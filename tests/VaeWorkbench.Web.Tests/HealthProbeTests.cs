using System.Net;
using System.Text.Json;
using VaeWorkbench.Web.Tests.Infrastructure;

namespace VaeWorkbench.Web.Tests;

public sealed class HealthProbeTests : IDisposable
{
    private readonly WorkbenchFactory _factory = new();

    [Fact]
    public async Task Live_answers_and_ready_reports_the_database_the_migrations_and_storage()
    {
        var client = _factory.CreateClient();
        var live = await client.GetAsync("/health/live");
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal("Healthy", await live.Content.ReadAsStringAsync());

        var ready = await client.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        var report = JsonDocument.Parse(await ready.Content.ReadAsStringAsync()).RootElement;
        var checks = report.GetProperty("checks").EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!, c => c.GetProperty("status").GetString());
        Assert.Equal("Healthy", checks["database"]);
        Assert.Equal("Healthy", checks["migrations"]);
        Assert.Equal("Healthy", checks["storage"]);
        Assert.True(checks.ContainsKey("backup"));
        Assert.Empty(Directory.GetFiles(Path.Combine(_factory.DataDirectory, "tmp"), "*.health"));
    }

    [Fact]
    public async Task Ready_is_503_naming_the_reason_when_the_data_folder_takes_no_file_while_live_stays_200()
    {
        var client = _factory.CreateClient();
        await client.GetAsync("/health/live");
        // The temporary folder replaced by a file: nothing can be written where uploads and checkpoints start.
        var temp = Path.Combine(_factory.DataDirectory, "tmp");
        Directory.Delete(temp, recursive: true);
        await File.WriteAllTextAsync(temp, "not a folder");

        var ready = await client.GetAsync("/health/ready");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        var storage = JsonDocument.Parse(await ready.Content.ReadAsStringAsync()).RootElement.GetProperty("checks").EnumerateArray()
            .Single(c => c.GetProperty("name").GetString() == "storage");
        Assert.Equal("Unhealthy", storage.GetProperty("status").GetString());
        Assert.StartsWith("The data folder is not writable", storage.GetProperty("description").GetString());
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);
        File.Delete(temp);
    }

    public void Dispose() => _factory.Dispose();
}
