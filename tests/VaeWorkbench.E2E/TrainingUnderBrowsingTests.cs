using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Microsoft.Playwright;
using VaeWorkbench.E2E.Infrastructure;
using Xunit.Abstractions;

namespace VaeWorkbench.E2E;

/// <summary>
/// Issue 9, item 21: two trainings run at once (Training:MaxConcurrentRuns = 2) while 20 signed-in users browse the
/// pages. Page latency (the server-rendered page, as a browser first receives it) is measured with the same users
/// before the trainings start and while they run, and both are printed with their ratio; the figures are a report, not
/// an assertion. What is asserted: every page answers, and an interactive action on the live run page (the sidebar
/// toggle, a round trip through the circuit) completes within a generous 30 s every time while both runs train.
/// VWB_BROWSING_USERS and VWB_BROWSING_SECONDS raise the numbers for bench/load.
/// </summary>
[Collection(LoadCollection.Name)]
public sealed class TrainingUnderBrowsingTests(ITestOutputHelper output) : BrowserTest
{
    private const string Email = "busy@example.test";
    // Generous on purpose: on the project's shared 2-core machine (load average 35) the toggle took 4.5 s median and
    // 5.6 s at worst with training; a frozen circuit never answers at all. The figure is reported, not asserted.
    private static readonly TimeSpan FreezeBound = TimeSpan.FromSeconds(30);

    protected override IDictionary<string, string>? ServerSettings => new Dictionary<string, string>
    {
        ["Training:MaxConcurrentRuns"] = "2",
        ["Training:DefaultThreads"] = "1",
    };

    [Fact]
    public async Task Two_trainings_and_20_browsing_users_page_latency_is_reported_and_the_ui_never_freezes()
    {
        var users = EnvironmentNumber("VWB_BROWSING_USERS", 20);
        var seconds = EnvironmentNumber("VWB_BROWSING_SECONDS", 30);
        using var api = await ApiSession.RegisterAsync(Server.BaseUrl, Email);
        var datasetId = await api.UploadFashionMnistAsync("fashion");
        var cookies = await CookieLogin.SignInAsync(Server.BaseUrl, Email);
        string[] pages = ["/", "/datasets", "/runs", "/models", "/team"];

        // Warm-up outside the figures: the first request to each page compiles and JITs its code.
        await BrowseAsync(cookies, pages, users: 1, TimeSpan.Zero, () => Task.CompletedTask);
        var idle = await BrowseAsync(cookies, pages, users, TimeSpan.FromSeconds(Math.Max(10, seconds / 2)), () => Task.Delay(100));

        var runs = new List<Guid>();
        for (var i = 0; i < 2; i++)
        {
            var created = await api.SendAsync(await api.Client.PostAsJsonAsync("/api/runs", new { datasetId, epochs = 500, batch = 32, seed = i + 1 }), HttpStatusCode.Created);
            runs.Add(created.GetProperty("id").GetGuid());
        }
        foreach (var runId in runs) await WaitForStatusAsync(api, runId, "Running");

        var context = await NewContextAsync();
        var page = await context.NewPageAsync();
        var probes = new List<double>();
        List<double> busy = [];
        await FailureArtifacts.RunAsync(page, Server, "training-under-browsing", async () =>
        {
            await page.SignInAsync(Email);
            await page.GotoAsync($"/runs/{runs[0]}");
            await page.WaitForInteractivityAsync();
            busy = await BrowseAsync(cookies, [.. pages, $"/runs/{runs[0]}", $"/runs/{runs[1]}"], users, TimeSpan.FromSeconds(seconds),
                async () => probes.Add(await ToggleSidebarAsync(page)));
        });
        // Both runs trained through the whole measurement.
        foreach (var runId in runs)
            Assert.Equal("Running", (await api.GetJsonAsync($"/api/runs/{runId}")).GetProperty("status").GetString());
        foreach (var runId in runs) await api.Client.PostAsync($"/api/runs/{runId}/cancel", null);
        await context.CloseAsync();

        var (idleP50, idleP95) = (Percentile(idle, 0.50), Percentile(idle, 0.95));
        var (busyP50, busyP95) = (Percentile(busy, 0.50), Percentile(busy, 0.95));
        output.WriteLine($"{users} browsing users, page latency without training: p50 {idleP50:F0} ms, p95 {idleP95:F0} ms ({idle.Count} pages)");
        output.WriteLine($"{users} browsing users, page latency with 2 trainings: p50 {busyP50:F0} ms, p95 {busyP95:F0} ms ({busy.Count} pages); p95 ratio {busyP95 / idleP95:F2}x");
        output.WriteLine($"sidebar toggle on the live run page while training: {probes.Count} clicks, slowest {probes.Max():F0} ms, median {Percentile(probes, 0.5):F0} ms (bound {FreezeBound.TotalMilliseconds:F0} ms)");
        Assert.NotEmpty(probes);
        Assert.All(probes, ms => Assert.True(ms < FreezeBound.TotalMilliseconds, $"an interactive action took {ms:F0} ms"));
    }

    /// <summary>Users fetch pages one after another with a short pause, as people reading them would; returns each page's ms.</summary>
    private async Task<List<double>> BrowseAsync(CookieContainer cookies, string[] pages, int users, TimeSpan duration, Func<Task> alongside)
    {
        var latencies = new List<double>();
        var clock = Stopwatch.StartNew();
        var browsing = Enumerable.Range(0, users).Select(user => Task.Run(async () =>
        {
            using var client = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = new Uri(Server.BaseUrl) };
            var random = new Random(user);
            // At least one round over every page, then on until the time is up.
            for (var n = user; n < user + pages.Length || clock.Elapsed < duration; n++)
            {
                var path = pages[n % pages.Length];
                var started = Stopwatch.GetTimestamp();
                var response = await client.GetAsync(path);
                var html = await response.Content.ReadAsStringAsync();
                var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                if (response.StatusCode != HttpStatusCode.OK || !html.Contains("data-interactive"))
                    throw new InvalidOperationException($"{path} answered {(int)response.StatusCode} without the signed-in page");
                lock (latencies) latencies.Add(ms);
                await Task.Delay(200 + random.Next(300));
            }
        })).ToList();
        while (clock.Elapsed < duration) await alongside();
        await Task.WhenAll(browsing);
        return latencies;
    }

    /// <summary>Clicks the sidebar toggle and waits for the circuit to re-render the sidebar; returns the ms it took.</summary>
    private static async Task<double> ToggleSidebarAsync(IPage page)
    {
        var sidebar = page.Locator(".mud-drawer");
        var before = await sidebar.GetAttributeAsync("class");
        var started = Stopwatch.GetTimestamp();
        await page.ClickAsync("#nav-toggle");
        await page.WaitForFunctionAsync("before => document.querySelector('.mud-drawer')?.getAttribute('class') !== before", before,
            new() { Timeout = (float)FreezeBound.TotalMilliseconds, PollingInterval = 20 });
        var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        await Task.Delay(500); // a person's pause between two clicks, so the probe does not become its own load
        return ms;
    }

    private static async Task WaitForStatusAsync(ApiSession api, Guid runId, string status)
    {
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while ((await api.GetJsonAsync($"/api/runs/{runId}")).GetProperty("status").GetString() != status)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"run {runId} did not reach {status}");
            await Task.Delay(250);
        }
    }

    private static double Percentile(List<double> samples, double q)
    {
        var sorted = samples.Order().ToList();
        return sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Count) - 1, 0, sorted.Count - 1)];
    }

    private static int EnvironmentNumber(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), out var value) && value > 0 ? value : fallback;
}
