using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using VaeWorkbench.E2E.Infrastructure;

namespace VaeWorkbench.E2E;

/// <summary>
/// In a real browser: (1) a user of another team who types Alice's ids into page URLs sees a not-found message and
/// nothing of hers; (2) Alice using the main pages (datasets, runs, a model with its pictures and latent map, generation,
/// review, augmented sets) triggers no Content-Security-Policy violation at all.
/// </summary>
public sealed partial class TeamIsolationBrowserTests(AliceWorkspace alice) : IClassFixture<AliceWorkspace>
{
    [Fact]
    public async Task Another_teams_ids_in_page_urls_show_not_found_and_nothing_of_theirs()
    {
        var context = await alice.Browser.Browser.NewContextAsync(new() { BaseURL = alice.Server.BaseUrl, ViewportSize = new() { Width = 1366, Height = 900 } });
        var page = await context.NewPageAsync();
        await FailureArtifacts.RunAsync(page, alice.Server, "tampered-ids", async () =>
        {
            await page.RegisterAsync("bob@example.test");
            string[] urls =
            [
                $"/models/{alice.ModelId}", $"/models/{alice.ModelId}/generate", $"/datasets/{alice.DatasetId}", $"/runs/{alice.RunId}",
                $"/runs/compare?ids={alice.RunId},{Guid.NewGuid()}", $"/review?job={alice.ScoreJobId}", $"/augmented/{alice.AugmentedSetId}",
                $"/registry/{AliceWorkspace.ModelName}", $"/registry/{AliceWorkspace.ModelName}/versions/1",
            ];
            foreach (var url in urls)
            {
                await page.GotoAsync(url);
                await page.WaitForInteractivityAsync();
                var main = page.Locator("main");
                await Assertions.Expect(main).ToContainTextAsync(NotFound(), new() { Timeout = 30_000 });
                var text = await main.InnerTextAsync();
                Assert.False(text.Contains(AliceWorkspace.DatasetName, StringComparison.Ordinal) || text.Contains(AliceWorkspace.Email, StringComparison.Ordinal),
                    $"{url} shows Alice's data: {text}");
                Assert.Equal(0, await main.Locator("img, canvas").CountAsync());
            }
            // Bob's own lists do not show Alice's objects either.
            foreach (var url in new[] { "/datasets", "/runs", "/models", "/augmented", "/review" })
            {
                await page.GotoAsync(url);
                await page.WaitForInteractivityAsync();
                Assert.DoesNotContain(AliceWorkspace.DatasetName, await page.Locator("main").InnerTextAsync());
            }
        });
        await context.CloseAsync();
    }

    [Fact]
    public async Task The_main_pages_run_with_zero_content_security_policy_violations()
    {
        var context = await alice.Browser.Browser.NewContextAsync(new() { BaseURL = alice.Server.BaseUrl, ViewportSize = new() { Width = 1366, Height = 900 } });
        // Every violation the page reports, as an event (which also catches reports the console does not show).
        await context.AddInitScriptAsync("window.__csp = []; document.addEventListener('securitypolicyviolation', e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));");
        var page = await context.NewPageAsync();
        var console = new List<string>();
        page.Console += (_, m) => { if (m.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase)) lock (console) console.Add(m.Text); };
        var violations = new List<string>();
        async Task CollectAsync(string where) =>
            violations.AddRange((await page.EvaluateAsync<string[]>("() => window.__csp ?? []")).Select(v => $"{where}: {v}"));

        await FailureArtifacts.RunAsync(page, alice.Server, "csp", async () =>
        {
            await page.SignInAsync(AliceWorkspace.Email, AliceWorkspace.Password);
            await CollectAsync("sign-in");

            foreach (var (url, ready) in new (string, string)[]
            {
                ("/datasets", "main"), ($"/datasets/{alice.DatasetId}", "main img"), ("/runs", "main"), ($"/runs/{alice.RunId}", "#loss-chart svg"),
                ("/runs/new", "#run-arch"), ($"/models/{alice.ModelId}/generate", "main"), ($"/review?job={alice.ScoreJobId}", "#review-card"),
                ("/augmented", "main"), ($"/augmented/{alice.AugmentedSetId}", "main img"), ("/models", "main"), ($"/registry/{AliceWorkspace.ModelName}", "main table"),
                ($"/registry/{AliceWorkspace.ModelName}/versions/1", "main img"),
                ("/team", "main"), ("/profile", "main"),
            })
            {
                await page.GotoAsync(url);
                await page.WaitForInteractivityAsync();
                await page.Locator(ready).First.WaitForAsync(new() { Timeout = 30_000 });
                if (url == "/runs/new") await page.ClickAsync("#run-arch"); // a MudBlazor popover, drawn by its script
                if (url.EndsWith("/versions/1", StringComparison.Ordinal))
                {
                    // The model card's Print button works from the app's script file (no inline handler).
                    await page.EvaluateAsync("() => { window.__printed = 0; window.print = () => window.__printed++; }");
                    await page.ClickAsync("#card-print");
                    Assert.Equal(1, await page.EvaluateAsync<int>("() => window.__printed"));
                }
                await CollectAsync(url);
            }

            // The model page: pictures, the latent map (drawn into an image the user clicks) and the charts.
            await page.GotoAsync($"/models/{alice.ModelId}?tab=samples");
            await page.WaitForInteractivityAsync();
            foreach (var id in new[] { "#recon-grid", "#sample-grid" })
                await Assertions.Expect(page.Locator(id)).ToBeVisibleAsync(new() { Timeout = 30_000 });
            await page.OpenTabAsync("Interpolation", "interpolation");
            await Assertions.Expect(page.Locator("#interp-grid")).ToBeVisibleAsync(new() { Timeout = 30_000 });
            await page.OpenTabAsync("Latent map", "latent-map");
            await page.ClickAsync("#map-draw");
            await Assertions.Expect(page.Locator("#map-image")).ToBeVisibleAsync(new() { Timeout = 30_000 });
            await CollectAsync("model page");
        });
        await context.CloseAsync();

        lock (console) violations.AddRange(console.Select(c => "console: " + c));
        Assert.True(violations.Count == 0, "CSP violations:\n" + string.Join("\n", violations));
    }

    [GeneratedRegex("not found|does not exist", RegexOptions.IgnoreCase)]
    private static partial Regex NotFound();
}

/// <summary>One server, one browser, and Alice's team with one of everything: dataset, run, model, score job, augmented set, registry entry.</summary>
public sealed class AliceWorkspace : IAsyncLifetime
{
    public const string Email = "alice@example.test";
    public const string Password = "a-long-enough-password";
    public const string DatasetName = "alice-private-fashion";
    public const string ModelName = "alice-model";

    public AppServer Server { get; private set; } = default!;
    public BrowserSession Browser { get; private set; } = default!;
    public Guid DatasetId { get; private set; }
    public Guid RunId { get; private set; }
    public Guid ModelId { get; private set; }
    public Guid ScoreJobId { get; private set; }
    public Guid AugmentedSetId { get; private set; }

    public async Task InitializeAsync()
    {
        Server = await AppServer.StartAsync(new Dictionary<string, string>
        {
            ["Training:DefaultThreads"] = "1", ["Scoring:Threads"] = "1", ["Augmentation:Threads"] = "1",
        });
        Browser = await BrowserSession.LaunchAsync();
        using var api = await ApiSession.RegisterAsync(Server.BaseUrl, Email, Password);
        using var form = new MultipartFormDataContent
        {
            { new StringContent(DatasetName), "name" }, { new StringContent("28"), "imageSize" }, { new StringContent("1"), "channels" },
            { new ByteArrayContent(FashionData.Zip(perClass: 50, classes: [0, 1, 7, 9])), "files", "fashion.zip" },
        };
        DatasetId = (await api.SendAsync(await api.Client.PostAsync("/api/datasets", form), HttpStatusCode.Created)).GetProperty("id").GetGuid();
        RunId = (await api.SendAsync(await api.Client.PostAsJsonAsync("/api/runs", new { datasetId = DatasetId, epochs = 1, batch = 64, seed = 5 }), HttpStatusCode.Created)).GetProperty("id").GetGuid();
        var run = await WaitAsync(api, $"/api/runs/{RunId}", "the training run");
        ModelId = run.GetProperty("modelId").GetGuid();
        ScoreJobId = (await api.SendAsync(await api.Client.PostAsJsonAsync($"/api/models/{ModelId}/scores", new { datasetId = DatasetId, method = "recon" }), HttpStatusCode.Accepted)).GetProperty("jobId").GetGuid();
        await WaitAsync(api, $"/api/scores/{ScoreJobId}", "the score job");
        AugmentedSetId = (await api.SendAsync(await api.Client.PostAsJsonAsync($"/api/models/{ModelId}/generate", new { mode = "prior", count = 8, seed = 1 }), HttpStatusCode.Accepted)).GetProperty("augmentedId").GetGuid();
        await WaitAsync(api, $"/api/augmented/{AugmentedSetId}", "the augmented set");
        await api.SendAsync(await api.Client.PostAsJsonAsync("/api/registry", new { runId = RunId, name = ModelName }), HttpStatusCode.Created);
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
