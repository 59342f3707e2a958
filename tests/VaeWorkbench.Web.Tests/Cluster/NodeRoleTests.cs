using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using VaeWorkbench.Web.Augmentation;
using VaeWorkbench.Web.Cluster;
using VaeWorkbench.Web.Datasets;
using VaeWorkbench.Web.Runs;
using VaeWorkbench.Web.Scoring;
using VaeWorkbench.Web.Tests.Infrastructure;

namespace VaeWorkbench.Web.Tests.Cluster;

/// <summary>One program, three roles: what each runs and serves.</summary>
public sealed class NodeRoleTests
{
    private static readonly Type[] Queues = [typeof(TrainingJobService), typeof(ScoreJobService), typeof(AugmentationJobService), typeof(DatasetImportQueue)];

    [Theory]
    [InlineData(null, NodeRole.All)]
    [InlineData("web", NodeRole.Web)]
    [InlineData("Worker", NodeRole.Worker)]
    [InlineData("ALL", NodeRole.All)]
    public void The_role_is_read_from_Node_Role(string? value, NodeRole expected)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Node:Role"] = value }).Build();
        Assert.Equal(expected, NodeOptions.Read(configuration));
    }

    [Fact]
    public void The_role_switch_on_the_command_line_sets_Node_Role()
    {
        var configuration = new ConfigurationBuilder().AddCommandLine(["--role", "worker"], NodeExtensions.CommandLineSwitches.ToDictionary()).Build();
        Assert.Equal("worker", configuration["Node:Role"]);
        Assert.Equal(NodeRole.Worker, NodeOptions.Read(configuration));
    }

    [Theory]
    [InlineData("leader")]
    [InlineData("1")]
    public void A_role_that_is_not_one_stops_the_start_naming_the_setting(string value)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Node:Role"] = value }).Build();
        var error = Assert.Throws<InvalidOperationException>(() => NodeOptions.Read(configuration));
        Assert.Contains("Node:Role", error.Message);
        Assert.Contains(value, error.Message);
    }

    [Fact]
    public async Task A_web_node_serves_the_ui_and_api_and_enqueues_but_runs_no_job_queue()
    {
        using var factory = new WorkbenchFactory(new(WorkbenchFactory.FastTraining()) { ["Node:Role"] = "web" });
        Assert.Empty(RunningQueues(factory));
        var user = await factory.RegisterWithTokenAsync();
        var datasetId = await factory.CreateFashionMnistAsync(await user.PersonalTeamIdAsync(), 20);
        var runId = await JobApi.CreatedIdAsync(await user.Client.PostAsJsonAsync("/api/runs", new { datasetId, epochs = 1, batch = 10 }), "id");
        var run = await user.GetJsonAsync($"/api/runs/{runId}");
        Assert.Equal("Queued", run.GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.OK, (await factory.CreateClient().GetAsync("/")).StatusCode);
    }

    [Fact]
    public async Task A_web_node_stages_an_upload_for_a_worker_and_answers_202_when_none_finished_it_within_the_wait()
    {
        var settings = new Dictionary<string, string?>(WorkbenchFactory.FastTraining())
        {
            ["Datasets:ImportWaitSeconds"] = "1", ["Datasets:ImportPollSeconds"] = "1", ["Node:Role"] = "web",
        };
        using var web = new WorkbenchFactory(settings);
        var user = await web.RegisterWithTokenAsync();
        var (zip, images) = DatasetUploads.FashionZip(perClass: 5, classes: [0, 1]);

        var response = await user.Client.PostAsync("/api/datasets", DatasetUploads.Form("for a worker", 28, 1, [("fashion.zip", zip)]));

        await ApiClient.EnsureStatusAsync(response, HttpStatusCode.Accepted);
        var queued = await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
        var id = queued.GetProperty("id").GetGuid();
        Assert.Equal("Queued", queued.GetProperty("status").GetString());
        Assert.Equal($"/api/datasets/{id}", response.Headers.Location?.OriginalString);
        Assert.Single(Directory.GetFiles(Path.Combine(web.DataDirectory, "imports", id.ToString("N"))));

        // A worker on the same data folder and database takes it; the web node never did.
        using var worker = new WorkbenchFactory(new(settings) { ["Node:Role"] = "worker" }, web.DataDirectory);
        _ = worker.Services;
        var ready = await Eventually.WaitForAsync(() => user.GetJsonAsync($"/api/datasets/{id}"), d => d.GetProperty("status").GetString() != "Queued"
            && d.GetProperty("status").GetString() != "Importing", TimeSpan.FromMinutes(1), "a worker to import the staged upload");
        Assert.Equal(("Ready", images.Count), (ready.GetProperty("status").GetString(), ready.GetProperty("imageCount").GetInt32()));
        Assert.False(Directory.Exists(Path.Combine(web.DataDirectory, "imports", id.ToString("N"))), "the staged upload was left behind");
    }

    [Fact]
    public async Task A_worker_node_runs_every_job_queue_and_serves_only_health_and_metrics()
    {
        using var factory = new WorkbenchFactory(new(WorkbenchFactory.FastTraining()) { ["Node:Role"] = "worker", ["Metrics:Token"] = MetricsEndpointTests.Token });
        Assert.Equal(Queues.OrderBy(t => t.Name), RunningQueues(factory).OrderBy(t => t.Name));
        var client = factory.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await MetricsEndpointTests.ScrapeAsync(client)).StatusCode);
        foreach (var path in new[] { "/", "/runs", "/api/runs", "/api/auth/token", "/openapi/v1.json" })
            Assert.True((await client.GetAsync(path)).StatusCode == HttpStatusCode.NotFound, $"a worker must not serve {path}");
    }

    [Fact]
    public void The_default_role_runs_every_job_queue_as_the_single_server_did()
    {
        using var factory = new WorkbenchFactory(WorkbenchFactory.FastTraining());
        Assert.Equal(Queues.OrderBy(t => t.Name), RunningQueues(factory).OrderBy(t => t.Name));
    }

    private static IEnumerable<Type> RunningQueues(WorkbenchFactory factory) =>
        factory.Services.GetServices<IHostedService>().Select(s => s.GetType()).Where(Queues.Contains);
}
