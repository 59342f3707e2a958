using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using VaeWorkbench.Engine.Model;
using VaeWorkbench.Engine.Scoring;
using VaeWorkbench.Web.Data;
using VaeWorkbench.Web.Inspection;
using VaeWorkbench.Web.Tests.Infrastructure;
using static VaeWorkbench.Web.Tests.Conditional.ConditionalModelFixture;

namespace VaeWorkbench.Web.Tests.Conditional;

/// <summary>
/// Scoring with a conditional model: every image is scored at its own class (the job's scores are the model file's at
/// those classes), the review card reconstructs at the image's class, and a dataset whose classes are not the model's
/// is refused when the job is asked for, with the reason.
/// </summary>
[Collection(ConditionalModelCollection.Name)]
public sealed class ConditionalScoringTests(ConditionalModelFixture fixture)
{
    [Fact]
    public async Task A_recon_score_job_scores_each_image_at_its_own_class_and_the_review_card_reconstructs_at_it()
    {
        var (jobId, scores) = await ScoreAsync("recon");
        var n = fixture.Data.Count;
        var own = fixture.Model.Score(fixture.Data.Pixels, n, ScoreMethod.Reconstruction, 1, 1, fixture.Data.Labels);
        var other = fixture.Model.Score(fixture.Data.Pixels, n, ScoreMethod.Reconstruction, 1, 1, [.. Enumerable.Range(0, n).Select(i => fixture.ClassesOf(i).Other)]);
        for (var i = 0; i < n; i++) Assert.Equal(own[i], scores[i], Tolerance(own[i]));
        Assert.True(Enumerable.Range(0, n).Count(i => Math.Abs(other[i] - scores[i]) > 0.5) > n / 2, "scores at another class should differ");

        using var scope = fixture.Factory.Services.CreateScope();
        var pictures = await fixture.Service<InspectionService>(scope).ReviewPicturesAsync(fixture.OwnerId, jobId, 7);
        var expected = Imaging.Transforms.TensorConversion.FromChw(fixture.Model.Reconstruct(fixture.Data.Image(7), 1, [fixture.ClassesOf(7).Own]), 1, 28, 28).Pixels;
        Assert.InRange(MaxDifference(PngBytes(pictures.Reconstruction), expected), 0, 1);
    }

    [Fact]
    public async Task The_latent_score_fits_and_encodes_at_the_images_classes()
    {
        var (_, scores) = await ScoreAsync("latent");
        var scorer = new AnomalyScorer(fixture.Model);
        scorer.FitLatent(fixture.Data);
        var expected = scorer.Score(fixture.Data.Pixels, fixture.Data.Count, AnomalyMethod.Latent, 1, 1, classes: fixture.Data.Labels);
        for (var i = 0; i < expected.Length; i++) Assert.Equal(expected[i], scores[i], Tolerance(expected[i]));
    }

    [Fact]
    public async Task A_dataset_without_the_models_classes_is_refused_with_the_reason()
    {
        var noClasses = await fixture.Factory.CreateFashionMnistAsync(fixture.TeamId, 20, "no classes", withClasses: false);
        var refused = await ApiClient.AssertProblemAsync(await StartAsync(noClasses, "elbo"), HttpStatusCode.BadRequest);
        Assert.Equal("This model is conditional on 10 classes and dataset 'no classes' has none: it needs every image's class.", refused.GetProperty("detail").GetString());

        var renamed = await fixture.Factory.CreateFashionMnistAsync(fixture.TeamId, 20, "renamed classes");
        await SetClassNamesAsync(renamed, ["T-shirt", "Trouser", "2", "3", "4", "5", "6", "7", "8", "9"]);
        refused = await ApiClient.AssertProblemAsync(await StartAsync(renamed, "elbo"), HttpStatusCode.BadRequest);
        Assert.StartsWith("This model is conditional on the classes 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, in that order; class 1 of dataset 'renamed classes' is 'T-shirt', not '0'.",
            refused.GetProperty("detail").GetString());

        // The same classes under the same names: scored.
        var same = await fixture.Factory.CreateFashionMnistAsync(fixture.TeamId, 20, "same classes");
        await ApiClient.EnsureStatusAsync(await StartAsync(same, "elbo"), HttpStatusCode.Accepted);
    }

    [Fact]
    public async Task A_conditional_run_on_a_dataset_with_an_unlabelled_image_is_refused_at_the_field()
    {
        var datasetId = await fixture.Factory.CreateFashionMnistAsync(fixture.TeamId, 40, "one stray");
        await DatasetImageRows.AddAsync(fixture.Factory, datasetId);
        using (var scope = fixture.Factory.Services.CreateScope())
        {
            var db = fixture.Service<AppDbContext>(scope);
            await db.DatasetImages.Where(i => i.DatasetId == datasetId && i.Index == 3).ExecuteUpdateAsync(u => u.SetProperty(i => i.Label, (int?)null));
        }
        var problem = await ApiClient.AssertProblemAsync(await fixture.Owner.Client.PostAsJsonAsync("/api/runs", new { datasetId, conditional = true }), HttpStatusCode.BadRequest);
        Assert.Equal("needs every image's class: 1 image of dataset 'one stray' has none (images outside the class folders)",
            problem.GetProperty("errors").GetProperty("conditional")[0].GetString());
    }

    // float32 sums in another order (the app's threads): far below the differences between classes checked above.
    private static double Tolerance(double expected) => 1e-3 + 1e-5 * Math.Abs(expected);

    private Task<HttpResponseMessage> StartAsync(Guid datasetId, string method) =>
        fixture.Owner.Client.PostAsJsonAsync($"/api/models/{fixture.ModelId}/scores", new { datasetId, method });

    private async Task<(Guid JobId, double[] Scores)> ScoreAsync(string method)
    {
        var started = await StartAsync(fixture.DatasetId, method);
        await ApiClient.EnsureStatusAsync(started, HttpStatusCode.Accepted);
        var jobId = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("jobId").GetGuid();
        var job = await Eventually.WaitForAsync(() => fixture.Owner.GetJsonAsync($"/api/scores/{jobId}"),
            j => j.GetProperty("status").GetString() is "Succeeded" or "Failed", TimeSpan.FromMinutes(2), $"the {method} score job");
        Assert.True(job.GetProperty("status").GetString() == "Succeeded", $"the score job failed: {job}");
        return (jobId, [.. job.GetProperty("items").EnumerateArray().OrderBy(i => i.GetProperty("index").GetInt32()).Select(i => i.GetProperty("score").GetDouble())]);
    }

    private async Task SetClassNamesAsync(Guid datasetId, string[] names)
    {
        using var scope = fixture.Factory.Services.CreateScope();
        var db = fixture.Service<AppDbContext>(scope);
        await db.Datasets.Where(d => d.Id == datasetId).ExecuteUpdateAsync(u => u.SetProperty(d => d.ClassNamesJson, JsonSerializer.Serialize(names)));
    }
}
