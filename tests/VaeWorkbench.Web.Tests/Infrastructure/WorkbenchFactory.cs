using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.AspNetCore.Mvc.Testing;

namespace VaeWorkbench.Web.Tests.Infrastructure;

/// <summary>The real app in memory, with its own fresh data directory (SQLite file, keys) that is deleted afterwards.</summary>
public sealed class WorkbenchFactory : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string?> _settings;
    private readonly bool _ownsDataDirectory;
    private readonly IStartupFilter? _startupFilter;

    /// <param name="sharedDataDirectory">
    /// Another factory's data directory: a second server on the same SQLite file and blob store, as two app instances
    /// behind one load balancer would be. The factory that created the directory deletes it.
    /// </param>
    /// <param name="startupFilter">Middleware that runs before the app's own (to stand in for the connection, say).</param>
    public WorkbenchFactory(Dictionary<string, string?>? settings = null, string? sharedDataDirectory = null, IStartupFilter? startupFilter = null)
    {
        _startupFilter = startupFilter;
        _ownsDataDirectory = sharedDataDirectory is null;
        DataDirectory = sharedDataDirectory ?? Path.Combine(Path.GetTempPath(), "vwb-test-" + Guid.NewGuid().ToString("N"));
        // In memory every client has the same (no) address, so the shipped per-address sign-in and registration limit
        // would count every test user against one budget; tests of that limit set their own.
        _settings = new Dictionary<string, string?> { ["Auth:RateLimit:PermitsPerIp"] = "1000" };
        foreach (var (key, value) in settings ?? []) _settings[key] = value;
        _settings["Storage:DataDirectory"] = DataDirectory;
    }

    public string DataDirectory { get; }

    /// <summary>Settings for tests that train: one thread, and leases and polls short enough for tests to wait on.</summary>
    public static Dictionary<string, string?> FastTraining() => new()
    {
        ["Training:DefaultThreads"] = "1",
        ["Training:HeartbeatSeconds"] = "1",
        ["Training:LeaseSeconds"] = "3",
        ["Training:PollSeconds"] = "1",
    };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        foreach (var (key, value) in _settings) builder.UseSetting(key, value);
        if (_startupFilter is not null) builder.ConfigureServices(s => s.AddSingleton(_startupFilter));
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing && _ownsDataDirectory && Directory.Exists(DataDirectory))
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(DataDirectory, recursive: true);
        }
    }
}
