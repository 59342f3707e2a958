using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using VaeWorkbench.E2E.Infrastructure;

namespace VaeWorkbench.E2E;

/// <summary>The real server process killed with SIGKILL in the middle of training, then started again on the same data.</summary>
public sealed class ProcessFaultTests
{
    private static readonly Dictionary<string, string> FastLeases = new()
    {
        ["Training:HeartbeatSeconds"] = "1",
        ["Training:LeaseSeconds"] = "3",
        ["Training:PollSeconds"] = "1",
    };

    [Fact]
    public async Task A_run_killed_mid_training_resumes_after_restart_and_finishes_with_every_epoch_recorded()
    {
        await using var first = await AppServer.StartAsync(FastLeases);
        Guid runId;
        const int epochs = 25;
        using (var api = await ApiSession.RegisterAsync(first.BaseUrl, "kill@example.test"))
        {
            var datasetId = await api.UploadFashionMnistAsync("fashion test split");
            var run = await api.SendAsync(await api.Client.PostAsJsonAsync("/api/runs", new { datasetId, epochs, batch = 128, seed = 3 }), HttpStatusCode.Created);
            runId = run.GetProperty("id").GetGuid();
            var atKill = await WaitForAsync(api, runId, r => r.GetProperty("epoch").GetInt32() >= 1, "the first epoch");
            Assert.True(atKill.GetProperty("epoch").GetInt32() < epochs, "the run finished before it could be killed; give it more epochs");
        }

        await first.KillAsync();

        await using var second = await AppServer.StartAsync(FastLeases, first.DataDirectory);
        using var again = await ApiSession.SignInAsync(second.BaseUrl, "kill@example.test");
        var finished = await WaitForAsync(again, runId, r => r.GetProperty("status").GetString() is "Succeeded" or "Failed" or "Cancelled", "the run to end");

        Assert.Equal("Succeeded", finished.GetProperty("status").GetString());
        Assert.Equal(Enumerable.Range(1, epochs), finished.GetProperty("history").EnumerateArray().Select(h => h.GetProperty("epoch").GetInt32()));
        Assert.Contains("resuming from the checkpoint", second.Output);
        var model = await again.GetJsonAsync($"/api/models/{finished.GetProperty("modelId").GetGuid()}");
        Assert.Equal(epochs, model.GetProperty("metrics").GetProperty("epochs").GetInt32());
    }

    private static async Task<JsonElement> WaitForAsync(ApiSession api, Guid runId, Func<JsonElement, bool> done, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(4);
        JsonElement run;
        do
        {
            run = await api.GetJsonAsync($"/api/runs/{runId}");
            if (done(run)) return run;
            await Task.Delay(250);
        }
        while (DateTime.UtcNow < deadline);
        throw new TimeoutException($"Timed out waiting for {what}: {run}");
    }
}
