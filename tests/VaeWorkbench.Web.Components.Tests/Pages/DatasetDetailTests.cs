using System.IO.Compression;
using MudBlazor;
using VaeWorkbench.Imaging;
using VaeWorkbench.Imaging.Formats.Png;
using VaeWorkbench.Web.Components.Pages;
using VaeWorkbench.Web.Datasets;
using VaeWorkbench.Web.Storage;

namespace VaeWorkbench.Web.Components.Tests.Pages;

public sealed class DatasetDetailTests : WorkbenchTestContext
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Thumbnails_come_sixty_a_page_and_the_class_filter_narrows_them()
    {
        var user = await SignInAsync(TeamRole.Editor);
        var id = await ImportAsync(user, ("cat", 65), ("dog", 5));
        var popovers = Render<MudPopoverProvider>();
        var page = Render<DatasetDetail>(p => p.Add(c => c.Id, id));

        page.WaitForAssertion(() => Assert.Equal("70 images", page.Find("#image-total").TextContent), Wait);
        Assert.Equal(60, page.FindAll("#thumb-grid .vwb-thumb").Count);
        page.Find("#thumb-pager button[aria-label='Next page']").Click();
        page.WaitForAssertion(() => Assert.Equal(10, page.FindAll("#thumb-grid .vwb-thumb").Count), Wait);

        page.Find("#class-filter .mud-input-control").MouseDown();
        popovers.WaitForElements(".mud-popover-open .mud-list-item").Single(li => li.TextContent.Trim() == "dog (5)").Click();

        page.WaitForAssertion(() => Assert.Equal("5 images", page.Find("#image-total").TextContent), Wait);
        Assert.Equal(5, page.FindAll("#thumb-grid .vwb-thumb").Count);
        Assert.Empty(page.FindAll("#thumb-pager"));
        page.FindAll("#thumb-grid .vwb-thumb")[0].Click();
        Assert.Equal("dog", page.Find("#detail-class").TextContent);
        Assert.StartsWith("dog/", page.Find("#detail-name").TextContent);
    }

    [Fact]
    public async Task A_deleted_dataset_is_not_found_and_nothing_of_it_shows()
    {
        var user = await SignInAsync(TeamRole.Editor);
        var id = await ImportAsync(user, ("cat", 2));
        await RunAsync<DatasetService>(s => s.DeleteAsync(user.UserId, id));

        var page = Render<DatasetDetail>(p => p.Add(c => c.Id, id));

        page.WaitForAssertion(() => Assert.NotNull(page.Find("#dataset-not-found")), Wait);
        Assert.Empty(page.FindAll("img, #dataset-title"));
    }

    /// <summary>Imports a ZIP in ImageFolder layout with the given number of distinct images per class.</summary>
    private async Task<Guid> ImportAsync(SignedInUser user, params (string Class, int Count)[] classes)
    {
        var path = Services.GetRequiredService<BlobStore>().NewTempPath(".zip");
        await using (var file = File.Create(path))
        using (var zip = new ZipArchive(file, ZipArchiveMode.Create))
        {
            var seed = 0;
            foreach (var (name, count) in classes)
                for (var i = 0; i < count; i++)
                {
                    await using var entry = zip.CreateEntry($"{name}/{i:000}.png").Open();
                    await entry.WriteAsync(Png(++seed));
                }
        }
        var request = new NewDatasetRequest("animals", 28, 1, [new UploadedFile("animals.zip", path)]);
        var result = await RunAsync<DatasetImportService, DatasetImportResult>(s => s.ImportAsync(user.UserId, user.TeamId, request));
        return result.Id;
    }

    private static byte[] Png(int seed)
    {
        var pixels = new byte[8 * 8];
        new Random(seed).NextBytes(pixels);
        return PngEncoder.Encode(new Image(8, 8, 1, pixels));
    }
}
