using System.Text.Json;
using VaeWorkbench.Web.Augmentation;
using VaeWorkbench.Web.Components.Pages.Augment;
using VaeWorkbench.Web.Runs;

namespace VaeWorkbench.Web.Components.Tests.Augment;

/// <summary>
/// The generate page for a conditional model: its classes as chips (all chosen at first), a count per class with the
/// total beside it, refusals at the field, and the request the server gets. An unconditional model keeps its count field.
/// </summary>
public sealed class ConditionalGeneratePageTests : WorkbenchTestContext
{
    [Fact]
    public async Task The_classes_and_the_count_per_class_make_the_total_and_the_request()
    {
        var user = await SignInAsync(TeamRole.Editor);
        var (model, _) = await AddConditionalModelAsync(user, "bolt", "nut", "washer");
        var page = Render<GeneratePage>(p => p.Add(c => c.ModelId, model));

        page.WaitForAssertion(() => Assert.Contains("This model is conditional on its 3 classes", page.Find("#gen-conditional").TextContent));
        Assert.Empty(page.FindAll("#gen-count"));
        Assert.Equal(["bolt", "nut", "washer"], page.FindAll("#gen-class-picker .mud-chip").Select(c => c.TextContent.Trim()));
        Assert.Equal(3, page.FindAll("#gen-class-picker .mud-chip-selected").Count);
        Assert.Equal("3 classes × 20 images = 60 in all.", page.Find("#gen-total").TextContent);

        Chip(page, "nut").Click();
        page.WaitForAssertion(() => Assert.Equal("2 classes × 20 images = 40 in all.", page.Find("#gen-total").TextContent));
        page.Find("#gen-count-per-class input").Change("50");
        page.WaitForAssertion(() => Assert.Equal("2 classes × 50 images = 100 in all.", page.Find("#gen-total").TextContent));
        page.Find("#gen-seed input").Change("7");
        page.Find("#gen-save").Click();

        page.WaitForAssertion(() => Assert.Equal("Queued", page.Find("#gen-status").TextContent.Trim()));
        Assert.Equal("Generated 0 of 100, kept 0.", page.Find("#gen-counts").TextContent);
        var set = await QueryAsync(db => Task.FromResult(db.AugmentedSets.Single()));
        Assert.Equal(("perClass", 100, 7L), (set.Mode, set.Requested, set.Seed)); // per class: the default for a conditional model
        var parameters = JsonSerializer.Deserialize<AugmentationParameters>(set.ParametersJson, JsonSerializerOptions.Web)!;
        Assert.Equal(["bolt", "washer"], parameters.Classes!);
        Assert.Equal((50, true), (parameters.CountPerClass, parameters.Conditional));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("33334")]
    public async Task A_count_per_class_out_of_range_is_named_at_the_field(string count)
    {
        var user = await SignInAsync(TeamRole.Editor);
        var (model, _) = await AddConditionalModelAsync(user, "bolt", "nut", "washer");
        var page = Render<GeneratePage>(p => p.Add(c => c.ModelId, model));

        page.WaitForAssertion(() => page.Find("#gen-count-per-class input").Change(count));
        page.Find("#gen-save").Click();

        page.WaitForAssertion(() => Assert.Contains("From 1 to 33,333 images per class for 3 classes.", page.Find("#gen-count-per-class").TextContent));
        Assert.Empty(page.FindAll("#gen-progress-card"));
        Assert.Equal(0, await QueryAsync(db => Task.FromResult(db.AugmentedSets.Count())));
    }

    [Fact]
    public async Task No_class_chosen_is_said_at_the_picker_and_nothing_starts()
    {
        var user = await SignInAsync(TeamRole.Editor);
        var (model, _) = await AddConditionalModelAsync(user, "bolt", "nut");
        var page = Render<GeneratePage>(p => p.Add(c => c.ModelId, model));

        page.WaitForAssertion(() => page.Find("#gen-classes-none").Click());
        page.WaitForAssertion(() => Assert.Equal("No class chosen: nothing to generate.", page.Find("#gen-total").TextContent));
        page.Find("#gen-save").Click();

        page.WaitForAssertion(() => Assert.Equal("Choose at least one class.", page.Find("#gen-classes-error").TextContent));
        Assert.Equal(0, await QueryAsync(db => Task.FromResult(db.AugmentedSets.Count())));
        page.Find("#gen-classes-all").Click();
        page.WaitForAssertion(() => Assert.Equal("2 classes × 20 images = 40 in all.", page.Find("#gen-total").TextContent));
    }

    [Fact]
    public async Task An_unconditional_model_keeps_its_count_and_no_class_picker()
    {
        var user = await SignInAsync(TeamRole.Editor);
        var (model, _) = await AddTrainedModelAsync(user, "digits", "zero", "one");
        var page = Render<GeneratePage>(p => p.Add(c => c.ModelId, model));

        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("#gen-count")));
        Assert.Empty(page.FindAll("#gen-conditional"));
        Assert.Empty(page.FindAll("#gen-class-picker"));
        Assert.Empty(page.FindAll("#gen-count-per-class"));
    }

    [Fact]
    public async Task A_conditional_sets_provenance_says_at_which_classes_it_was_drawn()
    {
        var user = await SignInAsync(TeamRole.Viewer);
        var (model, dataset) = await AddConditionalModelAsync(user, "bolt", "nut", "washer");
        var setId = await QueryAsync(async db =>
        {
            var set = new AugmentedSet
            {
                Id = Guid.NewGuid(), TeamId = user.TeamId, ModelId = model, ModelFileHash = "ab" + model.ToString("N"), DatasetId = dataset, Mode = "prior",
                ParametersJson = """{"count":40,"temperature":1,"spread":1,"classes":["bolt","washer"],"classLabels":[0,2],"countPerClass":20,"conditional":true}""",
                Seed = 3, FilterJson = "null", Status = AugmentedStatus.Succeeded, Requested = 40, Generated = 40, Kept = 40,
                CreatedByUserId = user.UserId, CreatedAt = DateTimeOffset.UtcNow,
            };
            db.AugmentedSets.Add(set);
            await db.SaveChangesAsync();
            return set.Id;
        });

        var page = Render<AugmentedSetDetail>(p => p.Add(c => c.Id, setId));

        page.WaitForAssertion(() => Assert.Equal("Generated from the model trained on parts: 40 samples from the prior at temperature 1, decoded at classes bolt, washer in turn " +
            "(20 per class), each labelled with its class, seed 3.", page.Find("#set-provenance-summary").TextContent));
    }

    private static AngleSharp.Dom.IElement Chip(IRenderedComponent<GeneratePage> page, string name) =>
        page.FindAll("#gen-class-picker .mud-chip").Single(c => c.TextContent.Trim() == name);
}
