using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using VaeWorkbench.Web.Augmentation;
using VaeWorkbench.Web.Cluster;
using VaeWorkbench.Web.Runs;
using VaeWorkbench.Web.Scoring;
using VaeWorkbench.Web.Tests.Infrastructure;

namespace VaeWorkbench.Web.Tests.Cluster;

/// <summary>One program, three roles: what each runs and serves.</summary>
public sealed class NodeRoleTests
{
    private static readonly Type[] Queues = [typeof(TrainingJobService), typeof(ScoreJobService), typeof(AugmentationJobService)];

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
