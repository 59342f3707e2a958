using System.Net.Http.Json;
using System.Text.Json;

namespace VaeWorkbench.E2E.Infrastructure;

/// <summary>Server settings for the process-fault tests, and the checks every one of them ends with.</summary>
public static class FaultSettings
{
    /// <summary>Short leases so a killed server's run resumes (and its import fails) soon; no grace period, so start-up removes every leftover.</summary>
    public static Dictionary<string, string> Base() => new()
    {
        ["Training:HeartbeatSeconds"] = "1",
        ["Training:LeaseSeconds"] = "3",
        ["Training:PollSeconds"] = "1",
        // An import's commit checks its lease, so a lease that lapses while a loaded machine stalls the importer fails
        // the import: 10 s rides out a stall and still lets a killed server's import fail soon after the restart.
        ["Datasets:ImportHeartbeatSeconds"] = "2",
        ["Datasets:ImportLeaseSeconds"] = "10",
        ["Storage:OrphanGraceSeconds"] = "0",
    };

    /// <summary><see cref="Base"/> with one failpoint armed (see the web app's Faults/Failpoints.cs).</summary>
    public static Dictionary<string, string> Armed(string point, int hit = 1, string action = "Block")
    {
        var settings = Base();
        settings["Faults:Point"] = point;
        settings["Faults:Hit"] = hit.ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["Faults:Action"] = action;
        return settings;
    }

    /// <summary>Runs the app's own consistency check on the server's data: integrity_check, every referenced file verified, no orphans.</summary>
    public static async Task AssertStorageConsistentAsync(string dataDirectory)
    {
        var (exitCode, output) = await AppServer.CheckStorageAsync(dataDirectory, Base());
        Assert.True(exitCode == 0 && output.Contains("storage check: ok", StringComparison.Ordinal), $"storage check failed (exit {exitCode}):\n{output}");
    }

    /// <summary>Polls a run until <paramref name="done"/> holds (four minutes at most: the machine may be heavily loaded).</summary>
    public static Task<JsonElement> WaitForRunAsync(ApiSession api, Guid runId, Func<JsonElement, bool> done, string what) =>
        WaitForJsonAsync(api, $"/api/runs/{runId}", done, what);

    /// <summary>Polls <paramref name="url"/> until <paramref name="done"/> holds (four minutes at most).</summary>
    public static async Task<JsonElement> WaitForJsonAsync(ApiSession api, string url, Func<JsonElement, bool> done, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(4);
        JsonElement found;
        do
        {
            found = await api.GetJsonAsync(url);
            if (done(found)) return found;
            await Task.Delay(250);
        }
        while (DateTime.UtcNow < deadline);
        throw new TimeoutException($"Timed out waiting for {what}: {found}");
    }

    public static bool Ended(JsonElement run) => run.GetProperty("status").GetString() is "Succeeded" or "Failed" or "Cancelled";

    public static async Task<Guid> StartRunAsync(ApiSession api, Guid datasetId, int epochs, int batch, int seed)
    {
        var response = await api.Client.PostAsJsonAsync("/api/runs", new { datasetId, epochs, batch, seed });
        return (await api.SendAsync(response, System.Net.HttpStatusCode.Created)).GetProperty("id").GetGuid();
    }
}
