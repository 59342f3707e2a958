using VaeWorkbench.Web.Cluster;
using VaeWorkbench.Web.Datasets;
using VaeWorkbench.Web.Options;
using DatasetsPage = VaeWorkbench.Web.Components.Pages.Datasets;

namespace VaeWorkbench.Web.Components.Tests.Pages;

/// <summary>
/// The Datasets page on a web node, whose uploads are imported by workers: an upload that no worker finished within the
/// wait shows as queued, and the page shows the summary when the import ends, without a reload.
/// </summary>
public sealed class DatasetsOnWebNodeTests : WorkbenchTestContext
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    public DatasetsOnWebNodeTests()
    {
        Services.AddSingleton(Microsoft.Extensions.Options.Options.Create(new NodeOptions { Role = NodeRole.Web }));
        Services.Configure<DatasetOptions>(o => o.ImportWaitSeconds = 0);
    }

    [Fact]
    public async Task An_upload_no_worker_has_imported_yet_shows_as_queued_and_its_summary_appears_when_a_worker_finishes_it()
    {
        var user = await SignInAsync(TeamRole.Editor);
        var page = Render<DatasetsPage>();
        DatasetsTests.Choose(page, ("a.png", DatasetsTests.Png(1)), ("b.png", DatasetsTests.Png(2)));
        page.Find("#dataset-name").Input("later");

        page.Find("#start-upload").Click();

        page.WaitForAssertion(() => Assert.StartsWith("later is queued: it waits for a server that runs imports.", page.Find("#upload-status").TextContent), Wait);
        page.WaitForAssertion(() => Assert.Equal(["later"], DatasetsTests.Names(page)), Wait);
        Assert.Contains("Queued", page.Find("#datasets-grid").TextContent);
        Assert.Empty(page.FindAll("#import-summary, #upload-error"));

        // A worker takes it: here this process's import queue, claiming it as a worker node's would.
        var queued = await RunAsync<DatasetService, DatasetListPage>(s => s.PageAsync(user.UserId, user.TeamId, new DatasetListQuery(0, 10)));
        Assert.True(await Services.GetRequiredService<DatasetImportQueue>().RunNowAsync(Assert.Single(queued.Items).Id));

        page.WaitForAssertion(() => Assert.Equal("2", page.Find("#import-count").TextContent), Wait);
        Assert.Empty(page.FindAll("#upload-status, #upload-error"));
        page.WaitForAssertion(() => Assert.Contains("Ready", page.Find("#datasets-grid").TextContent), Wait);
    }
}
