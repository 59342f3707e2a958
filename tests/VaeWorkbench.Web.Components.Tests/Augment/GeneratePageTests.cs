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
    public async Task Variations_need_source_images_written_as_numbers_separated_by_commas()
    {
        var user = await SignInAsync(TeamRole.Editor);
        var (model, _) = await AddTrainedModelAsync(user);
        var popovers = Render<MudPopoverProvider>();
        var page = Render<GeneratePage>(p => p.Add(c => c.ModelId, model));

        await ChooseModeAsync(page, popovers, "Variations of chosen images");
        page.Find("#gen-images input").Change("1, two");
        page.Find("#gen-preview").Click();
        page.WaitForAssertion(() => Assert.Contains("Image numbers separated by commas, such as 0, 1, 2.", page.Find("#gen-images").TextContent));

        page.Find("#gen-images input").Change("");
        page.Find("#gen-save").Click();
        page.WaitForAssertion(() => Assert.Contains("Choose at least one source image.", page.Find("#gen-images").TextContent));
        Assert.Empty(page.FindAll("#gen-progress-card"));
    }

    [Fact]
    public async Task The_servers_refusal_stays_in_an_alert_until_dismissed()
    {
        var user = await SignInAsync(TeamRole.Editor);
        var (model, _) = await AddTrainedModelAsync(user);
        var popovers = Render<MudPopoverProvider>();
        var page = Render<GeneratePage>(p => p.Add(c => c.ModelId, model));

        await ChooseModeAsync(page, popovers, "Variations of chosen images");
        page.Find("#gen-images input").Change("3, 9999");
        page.Find("#gen-save").Click();

        page.WaitForAssertion(() => Assert.Contains("Image #9999 is not in the dataset (it has images 0 to 499).", page.Find("#gen-request-error").TextContent));
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

    [Theory]
    [InlineData("0, 1, 2", new[] { 0, 1, 2 })]
    [InlineData(" 7 ,", new[] { 7 })]
    [InlineData("", new int[0])]
    [InlineData("-1", null)]
    [InlineData("1.5", null)]
    public void Source_images_parse_as_whole_numbers(string text, int[]? expected) =>
        Assert.Equal(expected, GeneratePage.ParseImageIds(text)?.ToArray());

    private static async Task ChooseModeAsync(IRenderedComponent<GeneratePage> page, IRenderedComponent<MudPopoverProvider> popovers, string mode)
    {
        await page.Find("#gen-mode .mud-select-input").MouseDownAsync(new());
        popovers.WaitForAssertion(() => Assert.NotEmpty(popovers.FindAll(".mud-list-item")));
        popovers.FindAll(".mud-list-item").Single(i => i.TextContent.Contains(mode)).Click();
        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("#gen-images")));
    }
}
