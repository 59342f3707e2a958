using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using VaeWorkbench.Web.Tests.Infrastructure;

namespace VaeWorkbench.Web.Tests.Conditional;

/// <summary>
/// <c>POST /api/models/{id}/generate</c> with a conditional model: classes and a count per class in the prior mode as in
/// the per-class mode, variations at their source images' classes, and out-of-range values refused at the field.
/// </summary>
[Collection(ConditionalModelCollection.Name)]
public sealed class ConditionalGenerationApiTests(ConditionalModelFixture fixture)
{
    [Fact]
    public async Task The_prior_mode_takes_classes_and_a_count_per_class_and_labels_every_image()
    {
        var set = await GenerateAsync(new { mode = "prior", classes = new[] { "7", "1" }, countPerClass = 5, seed = 9 });

        Assert.Equal(10, set.GetProperty("count").GetInt32());
        Assert.Equal([("1", 5), ("7", 5)], set.GetProperty("classes").EnumerateArray().Select(c => (c.GetProperty("name").GetString(), c.GetProperty("count").GetInt32())));
        var parameters = set.GetProperty("provenance").GetProperty("parameters");
        Assert.Equal(5, parameters.GetProperty("countPerClass").GetInt32());
        Assert.True(parameters.GetProperty("conditional").GetBoolean());
        Assert.Equal(["1", "7"], parameters.GetProperty("classes").EnumerateArray().Select(c => c.GetString()));
        var fidelity = set.GetProperty("classFidelity");
        Assert.Equal(10, fidelity.GetProperty("images").GetInt32());
        Assert.Equal(["1", "7"], fidelity.GetProperty("perClass").EnumerateArray().Select(c => c.GetProperty("class").GetString()));

        // The preview draws the same first samples, at the classes in turn.
        var preview = await fixture.Owner.Client.PostAsJsonAsync($"/api/models/{fixture.ModelId}/generate/preview", new { mode = "prior", classes = new[] { "7", "1" }, countPerClass = 5, seed = 9 });
        await ApiClient.EnsureStatusAsync(preview, HttpStatusCode.OK);
    }

    [Fact]
    public async Task Without_classes_every_class_is_generated_count_per_class_times()
    {
        var set = await GenerateAsync(new { mode = "perClass", countPerClass = 2, seed = 2 });
        Assert.Equal(20, set.GetProperty("count").GetInt32());
        Assert.All(set.GetProperty("classes").EnumerateArray(), c => Assert.Equal(2, c.GetProperty("count").GetInt32()));
        Assert.Equal(10, set.GetProperty("classes").GetArrayLength());
    }

    [Fact]
    public async Task Variations_keep_their_source_images_classes()
    {
        var (a, b) = (0, Enumerable.Range(1, 50).First(i => fixture.Data.Labels![i] != fixture.Data.Labels[0]));
        var set = await GenerateAsync(new { mode = "variations", imageIds = new[] { a, b }, count = 6, seed = 4 });
        var images = await fixture.Owner.GetJsonAsync($"/api/augmented/{set.GetProperty("id").GetGuid()}/images?take=10");
        // Round-robin over the two sources: a, b, a, b...
        Assert.Equal(Enumerable.Range(0, 6).Select(i => (int?)fixture.Data.Labels![i % 2 == 0 ? a : b]),
            images.GetProperty("items").EnumerateArray().Select(i => (int?)i.GetProperty("label").GetInt32()));
    }

    [Theory]
    [InlineData("prior", 0, null, "countPerClass", "countPerClass must be between 1 and 10,000 for 10 classes (got 0).")]
    [InlineData("prior", 60000, new[] { "1", "7" }, "countPerClass", "countPerClass must be between 1 and 50,000 for 2 classes (got 60000).")]
    [InlineData("interpolate", 5, null, "countPerClass", "countPerClass applies to the prior and perClass modes; variations and interpolations take count.")]
    [InlineData("prior", 5, new[] { "1", "shoe" }, "classes", "'shoe' is not a class of 'fashion classes'.")]
    public async Task Out_of_range_requests_are_refused_at_the_field(string mode, int countPerClass, string[]? classes, string field, string message)
    {
        var response = await fixture.Owner.Client.PostAsJsonAsync($"/api/models/{fixture.ModelId}/generate", new { mode, countPerClass, classes });
        var problem = await ApiClient.AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal(message, problem.GetProperty("errors").GetProperty(field)[0].GetString());
    }

    private async Task<JsonElement> GenerateAsync(object request)
    {
        var response = await fixture.Owner.Client.PostAsJsonAsync($"/api/models/{fixture.ModelId}/generate", request);
        await ApiClient.EnsureStatusAsync(response, HttpStatusCode.Accepted);
        var setId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("augmentedId").GetGuid();
        var set = await Eventually.WaitForAsync(() => fixture.Owner.GetJsonAsync($"/api/augmented/{setId}"),
            s => s.GetProperty("status").GetString() is "Succeeded" or "Failed", TimeSpan.FromMinutes(2), "the generated set");
        Assert.True(set.GetProperty("status").GetString() == "Succeeded", $"generation failed: {set}");
        return set;
    }
}
