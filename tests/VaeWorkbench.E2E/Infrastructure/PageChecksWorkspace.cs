using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Cookie = Microsoft.Playwright.Cookie;

namespace VaeWorkbench.E2E.Infrastructure;

/// <summary>
/// One server, one browser and one team with something on every page: a dataset, two one-epoch runs (so Compare has
/// two), the first run's model, that model registered with a card, an augmented set, a score job with a review queue
/// (one decision made), a second member and a pending invite. Seeded once over the API for all of <see cref="PageChecksTests"/>.
/// </summary>
public sealed class PageChecksWorkspace : IAsyncLifetime
{
    public const string OwnerEmail = "lovelace@example.test";
    public const string MemberEmail = "hopper@example.test";
    public const string Password = "a-long-enough-password";
    public const string DatasetName = "fashion small";
    public const string ModelName = "fashion-small";

    private readonly Stopwatch _clock = Stopwatch.StartNew();

    public AppServer Server { get; private set; } = default!;
    public BrowserSession Browser { get; private set; } = default!;
    public Guid DatasetId { get; private set; }
    public Guid RunId { get; private set; }
    public Guid SecondRunId { get; private set; }
    public Guid ModelId { get; private set; }
    public Guid ScoreJobId { get; private set; }
    public Guid AugmentedSetId { get; private set; }
    public string JoinCode { get; private set; } = "";

    /// <summary>The owner's sign-in cookies, made once over HTTP; every signed-in browser context starts with them.</summary>
    public IReadOnlyList<Cookie> SignInCookies { get; private set; } = [];

    public TimeSpan SeedTime { get; private set; }

    /// <summary>How long the whole class took, from the server's start to now (the last test reads it).</summary>
    public TimeSpan Elapsed => _clock.Elapsed;

    public async Task InitializeAsync()
    {
        Server = await AppServer.StartAsync(new Dictionary<string, string>
        {
            ["Admin:Emails:0"] = OwnerEmail,
            ["Training:DefaultThreads"] = "1", ["Training:PollSeconds"] = "1",
            ["Scoring:Threads"] = "1", ["Scoring:PollSeconds"] = "1",
            ["Augmentation:Threads"] = "1", ["Augmentation:PollSeconds"] = "1",
        });
        Browser = await BrowserSession.LaunchAsync();
        await SeedAsync();
        SeedTime = _clock.Elapsed;
    }

    private async Task SeedAsync()
    {
        using var api = await ApiSession.RegisterAsync(Server.BaseUrl, OwnerEmail, Password);
        var teamId = (await api.GetJsonAsync("/api/me")).GetProperty("teams")[0].GetProperty("id").GetGuid();
        using var form = new MultipartFormDataContent
        {
            { new StringContent(DatasetName), "name" }, { new StringContent("28"), "imageSize" }, { new StringContent("1"), "channels" },
            { new ByteArrayContent(FashionData.Zip(perClass: 50, classes: [0, 1, 7, 9])), "files", "fashion.zip" },
        };
        DatasetId = (await api.SendAsync(await api.Client.PostAsync("/api/datasets", form), HttpStatusCode.Created)).GetProperty("id").GetGuid();
        RunId = (await api.SendAsync(await api.Client.PostAsJsonAsync("/api/runs", new { datasetId = DatasetId, epochs = 1, batch = 64, seed = 5 }), HttpStatusCode.Created)).GetProperty("id").GetGuid();
        SecondRunId = (await api.SendAsync(await api.Client.PostAsJsonAsync("/api/runs", new { datasetId = DatasetId, epochs = 1, batch = 32, seed = 6 }), HttpStatusCode.Created)).GetProperty("id").GetGuid();
        ModelId = (await WaitAsync(api, $"/api/runs/{RunId}", "the first run")).GetProperty("modelId").GetGuid();

        ScoreJobId = (await api.SendAsync(await api.Client.PostAsJsonAsync($"/api/models/{ModelId}/scores", new { datasetId = DatasetId, method = "recon" }), HttpStatusCode.Accepted)).GetProperty("jobId").GetGuid();
        AugmentedSetId = (await api.SendAsync(await api.Client.PostAsJsonAsync($"/api/models/{ModelId}/generate", new { mode = "prior", count = 16, seed = 1 }), HttpStatusCode.Accepted)).GetProperty("augmentedId").GetGuid();
        await api.SendAsync(await api.Client.PostAsJsonAsync("/api/registry", new
        {
            runId = RunId, name = ModelName, description = "A small VAE on four Fashion-MNIST classes.", tags = new[] { "fashion", "small" },
        }), HttpStatusCode.Created);
        await ApiSession.Expect(await api.Client.PutAsJsonAsync($"/api/registry/{ModelName}/card", new
        {
            markdown = "# fashion-small\n\nTrained for one epoch on 200 images of T-shirts, trousers, sneakers and ankle boots.\n\n## Limits\n\n- Blurry samples.\n- Four classes only.\n",
        }), HttpStatusCode.NoContent);

        var invite = await api.SendAsync(await api.Client.PostAsJsonAsync($"/api/teams/{teamId}/invites", new { role = "Editor" }), HttpStatusCode.OK);
        using (var member = await ApiSession.RegisterAsync(Server.BaseUrl, MemberEmail, Password))
            await member.SendAsync(await member.Client.PostAsJsonAsync("/api/teams/join", new { code = invite.GetProperty("code").GetString() }), HttpStatusCode.OK);
        // A second invite stays pending: the team page lists it and the join page offers it.
        JoinCode = (await api.SendAsync(await api.Client.PostAsJsonAsync($"/api/teams/{teamId}/invites", new { role = "Viewer" }), HttpStatusCode.OK)).GetProperty("code").GetString()!;

        var scored = await WaitAsync(api, $"/api/scores/{ScoreJobId}", "the score job");
        await ApiSession.Expect(await api.Client.PutAsJsonAsync($"/api/scores/{ScoreJobId}/settings", new { thresholdMode = "Percentile", thresholdValue = 95.0, normalClasses = new[] { 1 } }), HttpStatusCode.OK);
        var flagged = scored.GetProperty("items").EnumerateArray().OrderByDescending(i => i.GetProperty("score").GetDouble()).First();
        await ApiSession.Expect(await api.Client.PostAsJsonAsync("/api/reviews", new
        {
            imageId = flagged.GetProperty("imageId").GetInt64(), scoreJobId = ScoreJobId, decision = "Anomaly", note = "torn seam",
        }), HttpStatusCode.OK);
        await WaitAsync(api, $"/api/augmented/{AugmentedSetId}", "the augmented set");
        await WaitAsync(api, $"/api/runs/{SecondRunId}", "the second run");

        var cookies = await CookieLogin.SignInAsync(Server.BaseUrl, OwnerEmail, Password);
        SignInCookies = cookies.GetAllCookies().Select(c => new Cookie
        {
            Name = c.Name, Value = c.Value, Domain = c.Domain, Path = c.Path, HttpOnly = c.HttpOnly, Secure = c.Secure, SameSite = SameSiteAttribute.Lax,
        }).ToList();
    }

    /// <summary>Polls a job's JSON until its status is final; it must have succeeded.</summary>
    private static async Task<JsonElement> WaitAsync(ApiSession api, string url, string what)
    {
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while (true)
        {
            var state = await api.GetJsonAsync(url);
            var status = state.GetProperty("status").GetString();
            if (status is "Succeeded") return state;
            if (status is "Failed" or "Cancelled") throw new InvalidOperationException($"{what} ended {status}: {state}");
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"timed out waiting for {what}: {state}");
            await Task.Delay(250);
        }
    }

    public async Task DisposeAsync()
    {
        await Browser.DisposeAsync();
        await Server.DisposeAsync();
    }
}
