using MudBlazor;
using VaeWorkbench.Web.Components.Pages.Augment;

namespace VaeWorkbench.Web.Components.Tests.Augment;

public sealed class GeneratePageTests : WorkbenchTestContext
{
    [Fact]
    public async Task A_count_out_of_range_is_named_at_the_field_and_nothing_is_started()
    {
        var user = await SignInAsync(TeamRole.Editor);
        var (model, _) = await AddTrainedModelAsync(user);
        var page = Render<GeneratePage>(p => p.Add(c => c.ModelId, model));

        page.Find("#gen-count input").Change("0");
        page.Find("#gen-save").Click();

        page.WaitForAssertion(() => Assert.Contains("Choose between 1 and 100,000 samples.", page.Find("#gen-count").TextContent));
        Assert.Empty(page.FindAll("#gen-progress-card"));
        Assert.Equal(0, await QueryAsync(db => Task.FromResult(db.AugmentedSets.Count())));
    }

    [Fact]
    public async Task Variations_need_a_source_image_chosen()
    {
        var user = await SignInAsync(TeamRole.Editor);
        var (model, _) = await AddTrainedModelAsync(user);
        var popovers = Render<MudPopoverProvider>();
        var page = Render<GeneratePage>(p => p.Add(c => c.ModelId, model));

        await ChooseModeAsync(page, popovers, "Variations of chosen images");
        Assert.Contains("None chosen", page.Find("#gen-image-choice").TextContent);
        page.Find("#gen-save").Click();

        page.WaitForAssertion(() => Assert.Equal("Choose at least one source image.", page.Find("#gen-images-error").TextContent));
        Assert.Empty(page.FindAll("#gen-progress-card"));
        Assert.Equal(0, await QueryAsync(db => Task.FromResult(db.AugmentedSets.Count())));
    }

    [Fact]
    public async Task Source_images_are_chosen_in_the_picker_and_sent_by_number_and_the_servers_refusal_stays_until_dismissed()
    {
        var user = await SignInAsync(TeamRole.Editor);
        var (model, datasetId) = await AddTrainedModelAsync(user);
        // Image 600 is past the dataset's 500 images (a row left over), so the server refuses it by number.
        await QueryAsync(db =>
        {
            db.DatasetImages.AddRange(new[] { 3, 600 }.Select(i => new DatasetImage { DatasetId = datasetId, Index = i, OriginalName = $"shoe-{i}.png", ContentHash = $"{i:x64}" }));
            return db.SaveChangesAsync();
        });
        var popovers = Render<MudPopoverProvider>();
        var dialogs = Render<MudDialogProvider>();
        var page = Render<GeneratePage>(p => p.Add(c => c.ModelId, model));

        await ChooseModeAsync(page, popovers, "Variations of chosen images");
        page.Find("#gen-image-choice button").Click();
        dialogs.WaitForAssertion(() => Assert.Equal(2, dialogs.FindAll(".vwb-picker-thumb").Count));
        dialogs.FindAll(".vwb-picker-thumb")[0].Click();
        dialogs.FindAll(".vwb-picker-thumb")[1].Click();
        dialogs.Find("#picker-choose").Click();
        page.WaitForAssertion(() => Assert.Equal(["#3 (shoe-3.png)", "#600 (shoe-600.png)"], page.FindAll("#gen-image-choice figcaption").Select(f => f.TextContent)));
        page.Find("#gen-save").Click();

        page.WaitForAssertion(() => Assert.Contains("Image #600 is not in the dataset (it has images 0 to 499).", page.Find("#gen-request-error").TextContent));
        page.Find("#gen-request-error button").Click();
        Assert.Empty(page.FindAll("#gen-request-error"));
    }

    [Fact]
    public async Task A_valid_form_queues_the_set_and_follows_it()
    {
        var user = await SignInAsync(TeamRole.Editor);
        var (model, _) = await AddTrainedModelAsync(user);
        var page = Render<GeneratePage>(p => p.Add(c => c.ModelId, model));

        page.Find("#gen-count input").Change("200");
        page.Find("#gen-seed input").Change("42");
        page.Find("#gen-save").Click();

        page.WaitForAssertion(() => Assert.Equal("Queued", page.Find("#gen-status").TextContent.Trim()));
        Assert.Equal("Generated 0 of 200, kept 0.", page.Find("#gen-counts").TextContent);
        var set = await QueryAsync(db => Task.FromResult(db.AugmentedSets.Single()));
        Assert.Equal((42, 200, "prior"), (set.Seed, set.Requested, set.Mode));
    }

    [Fact]
    public async Task A_viewer_is_told_why_there_is_no_form()
    {
        var user = await SignInAsync(TeamRole.Viewer);
        var (model, _) = await AddTrainedModelAsync(user);

        var page = Render<GeneratePage>(p => p.Add(c => c.ModelId, model));

        page.WaitForAssertion(() => Assert.Contains("you can export sets but not generate them", page.Find("#generate-viewer").TextContent));
        Assert.Empty(page.FindAll("#gen-form"));
    }

    private static async Task ChooseModeAsync(IRenderedComponent<GeneratePage> page, IRenderedComponent<MudPopoverProvider> popovers, string mode)
    {
        await page.Find("#gen-mode .mud-select-input").MouseDownAsync(new());
        popovers.WaitForAssertion(() => Assert.NotEmpty(popovers.FindAll(".mud-list-item")));
        popovers.FindAll(".mud-list-item").Single(i => i.TextContent.Contains(mode)).Click();
        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("#gen-images")));
    }
}
