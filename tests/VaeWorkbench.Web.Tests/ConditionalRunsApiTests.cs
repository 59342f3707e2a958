using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using VaeWorkbench.Engine.IO;
using VaeWorkbench.Web.Tests.Infrastructure;

namespace VaeWorkbench.Web.Tests;

/// <summary>Conditional runs through the API: accepted on a labelled dataset, refused on a classless one; class fidelity on generated sets.</summary>
public sealed class ConditionalRunsApiTests : IDisposable
{
    private readonly WorkbenchFactory _factory = new(new()
    {
        ["Training:DefaultThreads"] = "1",
        ["Training:PollSeconds"] = "1",
        ["Augmentation:Threads"] = "1",
        ["Augmentation:PollSeconds"] = "1",
    });

    [Fact]
    public async Task A_conditional_run_trains_on_a_labelled_dataset_and_its_per_class_set_reports_class_fidelity()
    {
        var user = await _factory.RegisterWithTokenAsync();
        var datasetId = await _factory.CreateFashionMnistAsync(await user.PersonalTeamIdAsync(), 400);
        var created = await user.Client.PostAsJsonAsync("/api/runs", new { datasetId, conditional = true, epochs = 2, batch = 64, seed = 3 });
        await ApiClient.EnsureStatusAsync(created, HttpStatusCode.Created);
        var runId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var run = await Eventually.WaitForAsync(() => user.GetJsonAsync($"/api/runs/{runId}"),
            r => r.GetProperty("status").GetString() is "Succeeded" or "Failed" or "Cancelled", TimeSpan.FromMinutes(2), "the conditional run");
        Assert.True(run.GetProperty("status").GetString() == "Succeeded", $"the run did not succeed: {run}");
        var modelId = run.GetProperty("modelId").GetGuid();
        var model = ModelFile.Load(await user.Client.GetByteArrayAsync($"/api/models/{modelId}/file")).Model;
        Assert.Equal(10, model.Config.ClassCount);

        var generate = await user.Client.PostAsJsonAsync($"/api/models/{modelId}/generate",
            new { mode = "perClass", countPerClass = 6, classes = new[] { "1", "7" }, seed = 5 });
        await ApiClient.EnsureStatusAsync(generate, HttpStatusCode.Accepted);
        var setId = (await generate.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("augmentedId").GetGuid();
        var set = await Eventually.WaitForAsync(() => user.GetJsonAsync($"/api/augmented/{setId}"),
            s => s.GetProperty("status").GetString() is "Succeeded" or "Failed", TimeSpan.FromMinutes(2), "the generated set");
        Assert.True(set.GetProperty("status").GetString() == "Succeeded", $"generation failed: {set}");
        Assert.Equal(12, set.GetProperty("count").GetInt32());

        var fidelity = set.GetProperty("classFidelity");
        Assert.Equal(12, fidelity.GetProperty("images").GetInt32());
        var overall = fidelity.GetProperty("overall").GetDouble();
        Assert.InRange(overall, 0, 1);
        var judgeAccuracy = fidelity.GetProperty("judgeAccuracy").GetDouble();
        Assert.True(judgeAccuracy > 0.3, $"a judge trained on 360 real images scored {judgeAccuracy:P0} on 40 held out"); // chance is 10%
        Assert.Equal(40, fidelity.GetProperty("judgeTestImages").GetInt32());
        var perClass = fidelity.GetProperty("perClass").EnumerateArray().ToList();
        Assert.Equal(["1", "7"], perClass.Select(c => c.GetProperty("class").GetString()));
        Assert.All(perClass, c => Assert.Equal(6, c.GetProperty("images").GetInt32()));
        Assert.Equal(overall, perClass.Average(c => c.GetProperty("fidelity").GetDouble()), 9);
        // The same report is part of the set's provenance.
        Assert.Equal(overall, set.GetProperty("provenance").GetProperty("classFidelity").GetProperty("overall").GetDouble());
    }

    [Fact]
    public async Task A_conditional_run_on_a_dataset_without_classes_is_refused_with_the_field_named()
    {
        var user = await _factory.RegisterWithTokenAsync();
        var datasetId = await _factory.CreateFashionMnistAsync(await user.PersonalTeamIdAsync(), 50, "no classes", withClasses: false);
        var response = await user.Client.PostAsJsonAsync("/api/runs", new { datasetId, conditional = true });
        var problem = await ApiClient.AssertProblemAsync(response, HttpStatusCode.BadRequest);
        var errors = problem.GetProperty("errors");
        Assert.Equal(["conditional"], errors.EnumerateObject().Select(e => e.Name));
        Assert.Contains("no classes", errors.GetProperty("conditional")[0].GetString());
        // The same dataset trains an unconditional model.
        await ApiClient.EnsureStatusAsync(await user.Client.PostAsJsonAsync("/api/runs", new { datasetId, epochs = 1 }), HttpStatusCode.Created);
    }

    [Fact]
    public async Task Count_per_class_outside_the_per_class_mode_is_refused()
    {
        var user = await _factory.RegisterWithTokenAsync();
        var (_, modelId, _) = await TrainedRun.TrainAsync(_factory, user, await user.PersonalTeamIdAsync(), 200);
        var response = await user.Client.PostAsJsonAsync($"/api/models/{modelId}/generate", new { mode = "prior", countPerClass = 5 });
        var problem = await ApiClient.AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains("countPerClass", problem.GetProperty("detail").GetString());
    }

    public void Dispose() => _factory.Dispose();
}
