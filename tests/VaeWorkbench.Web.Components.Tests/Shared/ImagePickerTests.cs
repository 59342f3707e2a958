using System.Text.Json;
using MudBlazor;
using VaeWorkbench.Web.Components.Shared;
using VaeWorkbench.Web.Components.Tests.Pages;
using VaeWorkbench.Web.Datasets;
using VaeWorkbench.Web.Teams;

namespace VaeWorkbench.Web.Components.Tests.Shared;

public sealed class ImagePickerTests : WorkbenchTestContext
{
    [Fact]
    public async Task The_dialog_shows_a_page_of_thumbnails_each_named_by_file_number_and_class_and_pages_on_the_server()
    {
        var (user, datasetId) = await AddDatasetWithImagesAsync(60);
        var provider = await OpenAsync(user, datasetId);

        var thumbs = provider.FindAll(".vwb-picker-thumb");
        Assert.Equal(ImagePickerDialog.PageSize, thumbs.Count);
        Assert.Equal("#0 (part-000.png), class bolt", thumbs[0].GetAttribute("aria-label"));
        Assert.Equal("#1 (part-001.png), class nut", thumbs[1].GetAttribute("aria-label"));
        Assert.Equal("api/datasets/" + datasetId + "/images/0.png", thumbs[0].QuerySelector("img")!.GetAttribute("src"));
        Assert.Equal("60 images · page 1 of 3", provider.Find("#picker-total").TextContent.Trim());

        provider.FindAll("#picker-pager button").Single(b => b.TextContent.Trim() == "3").Click();

        provider.WaitForAssertion(() => Assert.Equal(12, provider.FindAll(".vwb-picker-thumb").Count));
        Assert.Equal("48", provider.FindAll(".vwb-picker-thumb")[0].GetAttribute("data-index"));
        Assert.Equal("60 images · page 3 of 3", provider.Find("#picker-total").TextContent.Trim());
    }

    [Fact]
    public async Task The_class_filter_shows_only_that_class()
    {
        var (user, datasetId) = await AddDatasetWithImagesAsync(60);
        var popovers = Render<MudPopoverProvider>();
        var provider = await OpenAsync(user, datasetId);

        MudSelectChoice.Choose(provider, popovers, "#picker-class", "nut");

        provider.WaitForAssertion(() => Assert.Equal("30 images · page 1 of 2", provider.Find("#picker-total").TextContent.Trim()));
        var labels = provider.FindAll(".vwb-picker-thumb").Select(t => t.GetAttribute("aria-label")!).ToList();
        Assert.Equal(ImagePickerDialog.PageSize, labels.Count);
        Assert.All(labels, l => Assert.EndsWith("class nut", l));
        Assert.Equal("#1 (part-001.png), class nut", labels[0]);
    }

    [Theory]
    [InlineData("PART-05", 10, "#50 (part-050.png), class bolt")] // file name, any case
    [InlineData("#7", 1, "#7 (part-007.png), class nut")]          // image number
    [InlineData("7", 6, "#7 (part-007.png), class nut")]           // number 7, and the names holding a 7
    public async Task The_search_matches_file_names_and_image_numbers(string search, int matches, string first)
    {
        var (user, datasetId) = await AddDatasetWithImagesAsync(60);
        var provider = await OpenAsync(user, datasetId);

        provider.Find("#picker-search input").Input(search);

        provider.WaitForAssertion(() => Assert.Equal(matches, provider.FindAll(".vwb-picker-thumb").Count));
        Assert.Equal(first, provider.FindAll(".vwb-picker-thumb")[0].GetAttribute("aria-label"));
        Assert.StartsWith(matches == 1 ? "1 image" : $"{matches} images", provider.Find("#picker-total").TextContent.Trim());

        provider.Find("#picker-search input").Input("no-such-file");
        provider.WaitForAssertion(() => Assert.Equal("No image matches.", provider.Find("#picker-total").TextContent.Trim()));
        Assert.Empty(provider.FindAll(".vwb-picker-thumb"));
    }

    [Fact]
    public async Task Choosing_a_thumbnail_sets_the_field_to_that_image_by_name_and_number()
    {
        var (user, datasetId) = await AddDatasetWithImagesAsync(30);
        var provider = Render<MudDialogProvider>();
        IReadOnlyList<int>? picked = null;
        var field = Render<ImageChoice>(p => p.Add(c => c.DatasetId, datasetId).Add(c => c.Label, "From image").Add(c => c.Id, "field")
            .Add(c => c.Indices, [0]).Add(c => c.IndicesChanged, v => picked = v));
        field.WaitForAssertion(() => Assert.Equal("#0 (part-000.png)", field.Find("#field figcaption").TextContent));

        field.Find("#field button").Click();
        provider.WaitForAssertion(() => Assert.Equal(ImagePickerDialog.PageSize, provider.FindAll(".vwb-picker-thumb").Count));
        Assert.Equal("true", Thumb(provider, 0).GetAttribute("aria-pressed")); // the current choice shows as chosen
        Thumb(provider, 5).Click();
        Assert.Equal("false", Thumb(provider, 0).GetAttribute("aria-pressed")); // one image: the new one replaces it
        Assert.Equal("Chosen: #5 (part-005.png)", provider.Find("#picker-chosen").TextContent.Trim());
        provider.Find("#picker-choose").Click();

        field.WaitForAssertion(() => Assert.Equal([5], picked));
        Assert.Equal("#5 (part-005.png)", field.Find("#field figcaption").TextContent);
        Assert.Equal("#5 (part-005.png), class nut", field.Find("#field img").GetAttribute("alt"));
        Assert.Empty(provider.FindAll(".vwb-picker-thumb"));
    }

    [Fact]
    public async Task Several_images_are_chosen_in_the_order_clicked_and_cancel_changes_nothing()
    {
        var (user, datasetId) = await AddDatasetWithImagesAsync(30);
        var provider = Render<MudDialogProvider>();
        IReadOnlyList<int>? picked = null;
        var field = Render<ImageChoice>(p => p.Add(c => c.DatasetId, datasetId).Add(c => c.Label, "Source images").Add(c => c.Id, "field")
            .Add(c => c.Multiple, true).Add(c => c.IndicesChanged, v => picked = v));

        field.Find("#field button").Click();
        provider.WaitForAssertion(() => Assert.NotEmpty(provider.FindAll(".vwb-picker-thumb")));
        Assert.True(provider.Find("#picker-choose").HasAttribute("disabled"));
        Thumb(provider, 3).Click();
        Thumb(provider, 1).Click();
        Thumb(provider, 8).Click();
        Thumb(provider, 8).Click(); // a second click takes it back
        Assert.Equal("Choose 2 images", provider.Find("#picker-choose").TextContent.Trim());
        provider.Find("#picker-choose").Click();
        field.WaitForAssertion(() => Assert.Equal([3, 1], picked));
        Assert.Equal(["#3 (part-003.png)", "#1 (part-001.png)"], field.FindAll("#field figcaption").Select(f => f.TextContent));

        picked = null;
        field.Find("#field button").Click();
        provider.WaitForAssertion(() => Assert.NotEmpty(provider.FindAll(".vwb-picker-thumb")));
        Thumb(provider, 9).Click();
        provider.Find("#picker-cancel").Click();
        provider.WaitForAssertion(() => Assert.Empty(provider.FindAll(".vwb-picker-thumb")));
        Assert.Null(picked);
        Assert.Equal(2, field.FindAll("#field figcaption").Count);
    }

    [Fact]
    public async Task Another_teams_dataset_is_not_listed_and_a_long_search_is_refused_by_name()
    {
        var (user, datasetId) = await AddDatasetWithImagesAsync(5);

        var error = await Assert.ThrowsAsync<RequestRejectedException>(() =>
            RunAsync<DatasetService, DatasetImagePage>(s => s.ImagesAsync(user.UserId, datasetId, 0, 10, null, search: new string('x', 201))));
        Assert.Contains("search", error.Message);
        var other = await SignInAsNewUserAsync();
        await Assert.ThrowsAsync<AccessDeniedException>(() =>
            RunAsync<DatasetService, DatasetImagePage>(s => s.ImagesAsync(other.Id, datasetId, 0, 10, null, search: "part")));
    }

    private static AngleSharp.Dom.IElement Thumb(IRenderedComponent<MudDialogProvider> provider, int index) =>
        provider.FindAll(".vwb-picker-thumb").Single(t => t.GetAttribute("data-index") == index.ToString());

    private async Task<IRenderedComponent<MudDialogProvider>> OpenAsync(SignedInUser user, Guid datasetId)
    {
        var provider = Render<MudDialogProvider>();
        var parameters = new DialogParameters<ImagePickerDialog> { { d => d.Workspace, user.Workspace }, { d => d.DatasetId, datasetId } };
        await provider.InvokeAsync(() => Services.GetRequiredService<IDialogService>().ShowAsync<ImagePickerDialog>("Choose an image", parameters));
        provider.WaitForAssertion(() => Assert.NotEmpty(provider.FindAll(".vwb-picker-thumb")));
        return provider;
    }

    /// <summary>A dataset of <paramref name="images"/> rows named part-000.png…, alternately bolt and nut.</summary>
    private async Task<(SignedInUser User, Guid DatasetId)> AddDatasetWithImagesAsync(int images)
    {
        var user = await SignInAsync(TeamRole.Editor);
        var datasetId = await AddReadyDatasetAsync(user, "parts", images);
        await QueryAsync(async db =>
        {
            (await db.Datasets.FindAsync(datasetId))!.ClassNamesJson = JsonSerializer.Serialize(new[] { "bolt", "nut" });
            db.DatasetImages.AddRange(Enumerable.Range(0, images).Select(i => new DatasetImage
            {
                DatasetId = datasetId, Index = i, Label = i % 2, OriginalName = $"part-{i:000}.png", ContentHash = $"{i:x64}",
            }));
            return await db.SaveChangesAsync();
        });
        return (user, datasetId);
    }
}
