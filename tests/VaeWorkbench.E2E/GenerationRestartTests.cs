using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using VaeWorkbench.E2E.Infrastructure;

namespace VaeWorkbench.E2E;

/// <summary>
/// A generation job whose server is killed with SIGKILL mid-job: after a restart on the same data its lease lapses, the
/// new server claims it again and generates it from the start, and the finished set is byte for byte the set a clean run
/// with the same seed gives. Tested through the REST API only, so it holds whatever runs the jobs inside the server.
/// </summary>
public sealed class GenerationRestartTests
{
    private const int Count = 8_000; // 8 chunks of 1024: the job is still running well after its first chunk is stored
    private const string Email = "restart@example.test";

    private static readonly Dictionary<string, string> FastLeases = new()
    {
        ["Training:PollSeconds"] = "1",
        ["Augmentation:HeartbeatSeconds"] = "1",
        ["Augmentation:LeaseSeconds"] = "3",
        ["Augmentation:PollSeconds"] = "1",
        ["Augmentation:Threads"] = "1",
    };

    [Fact]
    public async Task A_generation_killed_mid_job_is_claimed_again_after_restart_and_ends_with_the_bytes_of_a_clean_run()
    {
        await using var first = await AppServer.StartAsync(FastLeases);
        Guid modelId, interrupted;
        object request;
        using (var api = await ApiSession.RegisterAsync(first.BaseUrl, Email))
        {
            modelId = await TrainModelAsync(api);
            request = new { mode = "perClass", count = Count, seed = 77, temperature = 0.8 };
            interrupted = await StartGenerationAsync(api, modelId, request);
            var atKill = await WaitForSetAsync(api, interrupted, s => Generated(s) >= 1024 || Status(s) is not ("Queued" or "Running"), "the first stored chunk");
            Assert.True(Status(atKill) == "Running" && Generated(atKill) < Count,
                $"the job ended before it could be killed ({atKill}); give it more samples");
        }

        await first.KillAsync();

        await using var second = await AppServer.StartAsync(FastLeases, first.DataDirectory);
        using var again = await ApiSession.SignInAsync(second.BaseUrl, Email);
        var resumed = await WaitForSetAsync(again, interrupted, s => Status(s) is not ("Queued" or "Running"), "the interrupted set to end");
        var clean = await WaitForSetAsync(again, await StartGenerationAsync(again, modelId, request), s => Status(s) is not ("Queued" or "Running"), "the clean set to end");

        foreach (var set in new[] { resumed, clean })
        {
            Assert.Equal("Succeeded", Status(set));
            Assert.Equal(Count, set.GetProperty("count").GetInt32());
            Assert.Equal((Count, Count), (Generated(set), set.GetProperty("provenance").GetProperty("kept").GetInt32()));
            // Per-class mode deals classes round-robin: 10 Fashion-MNIST classes, Count / 10 each.
            Assert.Equal(Enumerable.Repeat(Count / 10, 10), set.GetProperty("classes").EnumerateArray().Select(c => c.GetProperty("count").GetInt32()));
        }
        // No image rows are left over from the killed attempt.
        var listed = await again.GetJsonAsync($"/api/augmented/{interrupted}/images?skip=0&take=1");
        Assert.Equal(Count, listed.GetProperty("total").GetInt32());

        var resumedFiles = await ExportAsync(again, interrupted);
        var cleanFiles = await ExportAsync(again, clean.GetProperty("id").GetGuid());
        Assert.Equal(Count, resumedFiles.Keys.Count(name => name.EndsWith(".png", StringComparison.Ordinal)));
        Assert.Equal(cleanFiles.Keys.Order(), resumedFiles.Keys.Order());
        foreach (var (name, bytes) in cleanFiles)
            Assert.True(bytes.AsSpan().SequenceEqual(resumedFiles[name]), $"{name} differs between the restarted and the clean set");
    }

    private static async Task<Guid> TrainModelAsync(ApiSession api)
    {
        var datasetId = await api.UploadFashionMnistAsync("fashion test split");
        var run = await api.SendAsync(await api.Client.PostAsJsonAsync("/api/runs", new { datasetId, epochs = 1, batch = 128, seed = 5 }), HttpStatusCode.Created);
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(4);
        JsonElement state;
        do
        {
            await Task.Delay(250);
            state = await api.GetJsonAsync($"/api/runs/{run.GetProperty("id").GetGuid()}");
        }
        while (Status(state) is "Queued" or "Running" && DateTime.UtcNow < deadline);
        Assert.Equal("Succeeded", Status(state));
        return state.GetProperty("modelId").GetGuid();
    }

    private static async Task<Guid> StartGenerationAsync(ApiSession api, Guid modelId, object request)
    {
        var accepted = await api.SendAsync(await api.Client.PostAsJsonAsync($"/api/models/{modelId}/generate", request), HttpStatusCode.Accepted);
        return accepted.GetProperty("augmentedId").GetGuid();
    }

    private static async Task<JsonElement> WaitForSetAsync(ApiSession api, Guid setId, Func<JsonElement, bool> done, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(5);
        JsonElement set;
        do
        {
            set = await api.GetJsonAsync($"/api/augmented/{setId}");
            if (done(set)) return set;
            await Task.Delay(50); // short: the kill must land while the job is still running
        }
        while (DateTime.UtcNow < deadline);
        throw new TimeoutException($"Timed out waiting for {what}: {set}");
    }

    // Every PNG entry and the manifest (provenance.json names the set's own id and times, so it differs by design).
    private static async Task<Dictionary<string, byte[]>> ExportAsync(ApiSession api, Guid setId)
    {
        using var response = await api.Client.GetAsync($"/api/augmented/{setId}/export?includeOriginals=false", HttpCompletionOption.ResponseHeadersRead);
        await ApiSession.Expect(response, HttpStatusCode.OK);
        var zip = new MemoryStream();
        await (await response.Content.ReadAsStreamAsync()).CopyToAsync(zip);
        using var archive = new ZipArchive(zip, ZipArchiveMode.Read);
        var files = new Dictionary<string, byte[]>();
        foreach (var entry in archive.Entries.Where(e => e.FullName != "provenance.json"))
        {
            using var stream = entry.Open();
            var bytes = new MemoryStream();
            await stream.CopyToAsync(bytes);
            files[entry.FullName] = bytes.ToArray();
        }
        return files;
    }

    private static string? Status(JsonElement set) => set.GetProperty("status").GetString();

    private static int Generated(JsonElement set) => set.GetProperty("provenance").GetProperty("generated").GetInt32();
}
