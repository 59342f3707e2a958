using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using VaeWorkbench.Web.Cluster;
using VaeWorkbench.Web.Tests.Infrastructure;

namespace VaeWorkbench.Web.Tests.Cluster;

/// <summary>
/// The job instruments are process-wide meters that every host in this test process records into, so the figures are
/// read with no other test class running jobs beside them.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessMetersCollection
{
    public const string Name = "Process meters";
}

/// <summary><c>/metrics</c>: Prometheus text, readable only from this machine or with the token, and job figures that move when a job runs.</summary>
[Collection(ProcessMetersCollection.Name)]
public sealed partial class MetricsEndpointTests : IDisposable
{
    public const string Token = "a-scraper-token-of-enough-length";

    private readonly WorkbenchFactory _factory = new(new(WorkbenchFactory.FastTraining()) { ["Metrics:Token"] = Token });

    public static Task<HttpResponseMessage> ScrapeAsync(HttpClient client, string? token = Token)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client.SendAsync(request);
    }

    [Fact]
    public async Task Without_the_token_a_remote_client_is_refused_and_with_it_gets_prometheus_text()
    {
        var client = _factory.CreateClient();
        Assert.Equal(HttpStatusCode.Forbidden, (await ScrapeAsync(client, token: null)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await ScrapeAsync(client, token: "a-wrong-token-of-enough-length")).StatusCode);
        var response = await ScrapeAsync(client);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Contains("# TYPE vae_jobs_queued gauge", text);
        Assert.Matches(@"(?m)^vae_jobs_queued\{[^}]*queue=""training""[^}]*\} 0", text);
        Assert.Contains("# TYPE http_server_request_duration_seconds histogram", text);
    }

    [Theory]
    [InlineData("127.0.0.1", true, null, true)]
    [InlineData("::1", true, null, true)]
    [InlineData("127.0.0.1", false, null, false)]
    [InlineData("10.1.2.3", true, null, false)]
    [InlineData("10.1.2.3", true, "Bearer " + Token, true)]
    [InlineData("10.1.2.3", true, "Bearer not-the-token-at-all-sorry", false)]
    [InlineData("10.1.2.3", true, Token, false)]
    public void Loopback_clients_and_token_holders_may_read(string address, bool allowLoopback, string? authorization, bool allowed)
    {
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = IPAddress.Parse(address);
        if (authorization is not null) context.Request.Headers.Authorization = authorization;
        Assert.Equal(allowed, MetricsExtensions.MayRead(context, new MetricsOptions { AllowLoopback = allowLoopback, Token = Token }));
    }

    [Fact]
    public async Task Queue_depth_running_jobs_durations_and_trained_images_change_when_a_job_runs()
    {
        var user = await _factory.RegisterWithTokenAsync();
        var client = _factory.CreateClient();
        var before = await ScrapeTextAsync(client);
        Assert.Equal(0, Sample(before, "vae_job_duration_seconds_count", "queue=\"training\"") ?? 0);

        await TrainedRun.TrainAsync(_factory, user, await user.PersonalTeamIdAsync(), images: 200);

        // The exporter collects on scrape; the job's own instruments are recorded before the run's status is read.
        var after = await Eventually.WaitForAsync(() => ScrapeTextAsync(client),
            t => Sample(t, "vae_job_duration_seconds_count", "outcome=\"succeeded\"") == 1, TimeSpan.FromSeconds(30), "the run's duration in /metrics");
        Assert.Equal(0, Sample(after, "vae_jobs_running", "queue=\"training\""));
        Assert.Equal(180, Sample(after, "vae_training_images_total", null)); // 200 images less the 10% held out, one epoch
        Assert.Equal(1, Sample(after, "vae_training_epoch_images_per_second_count", null));
        Assert.Equal(0, Sample(after, "vae_jobs_queued", "queue=\"training\""));
    }

    [Fact]
    public async Task A_queued_run_shows_in_the_queue_depth_of_every_node()
    {
        // A web node runs no queue, so the run stays queued: the gauge reads the database, not this process.
        using var web = new WorkbenchFactory(new(WorkbenchFactory.FastTraining()) { ["Node:Role"] = "web", ["Metrics:Token"] = Token });
        var user = await web.RegisterWithTokenAsync();
        var datasetId = await web.CreateFashionMnistAsync(await user.PersonalTeamIdAsync(), 20);
        var client = web.CreateClient();
        Assert.Equal(0, Sample(await ScrapeTextAsync(client), "vae_jobs_queued", "queue=\"training\""));
        await JobApi.CreatedIdAsync(await user.Client.PostAsJsonAsync("/api/runs", new { datasetId, epochs = 1, batch = 10 }), "id");
        await JobApi.CreatedIdAsync(await user.Client.PostAsJsonAsync("/api/runs", new { datasetId, epochs = 1, batch = 10 }), "id");
        // The exporter keeps one scrape's answer for 300 ms, so the next scrape may repeat the last.
        await Eventually.WaitForAsync(async () => Sample(await ScrapeTextAsync(client), "vae_jobs_queued", "queue=\"training\""), n => n == 2,
            TimeSpan.FromSeconds(10), "two queued runs in /metrics");
    }

    private static async Task<string> ScrapeTextAsync(HttpClient client)
    {
        var response = await ScrapeAsync(client);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>The value of the first sample of <paramref name="name"/> whose labels contain <paramref name="label"/>; null when absent.</summary>
    private static double? Sample(string text, string name, string? label)
    {
        foreach (Match m in SampleLine().Matches(text))
            if (m.Groups["name"].Value == name && (label is null || m.Groups["labels"].Value.Contains(label)))
                return double.Parse(m.Groups["value"].Value, CultureInfo.InvariantCulture);
        return null;
    }

    [GeneratedRegex(@"(?m)^(?<name>[a-z_]+)(?:\{(?<labels>[^}]*)\})? (?<value>[-+0-9.eE]+|NaN)")]
    private static partial Regex SampleLine();

    public void Dispose() => _factory.Dispose();
}
