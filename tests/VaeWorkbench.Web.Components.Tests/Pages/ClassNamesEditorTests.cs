using System.IO.Compression;
using VaeWorkbench.Imaging;
using VaeWorkbench.Imaging.Formats.Png;
using VaeWorkbench.Web.Components.Tests.Labels;
using VaeWorkbench.Web.Components.Pages;
using VaeWorkbench.Web.Datasets;
using VaeWorkbench.Web.Storage;

namespace VaeWorkbench.Web.Components.Tests.Pages;

/// <summary>The dataset page names its classes in place, through the service behind PUT /api/datasets/{id}/classes.</summary>
public sealed class ClassNamesEditorTests : WorkbenchTestContext
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task An_editor_renames_a_folder_datasets_classes_and_the_page_shows_the_new_names()
    {
        var user = await SignInAsync(TeamRole.Editor);
        var id = await ImportAsync(user, ("cat", 3), ("dog", 2));
        var page = Render<DatasetDetail>(p => p.Add(c => c.Id, id));

        page.WaitForAssertion(() => Assert.Equal(["0 cat 3", "1 dog 2"], Rows(page)), Wait);
        page.Find("#rename-classes").Click();
        page.Find("#class-name-0").Input("kitten");
        page.Find("#class-name-1").Input("  puppy ");
        page.Find("#save-classes").Click();

        page.WaitForAssertion(() => Assert.Equal(["0 kitten 3", "1 puppy 2"], Rows(page)), Wait);
        Assert.Equal(["kitten", "puppy"], await RunAsync<DatasetService, List<string>>(s => s.ClassNamesAsync(user.UserId, id)));
        Assert.Equal(1, await QueryAsync(db => Task.FromResult(db.AuditEntries.Count(e => e.Action == Audit.AuditActions.DatasetClassesRenamed))));
    }

    [Fact]
    public async Task A_refused_name_is_shown_at_its_own_field_and_nothing_is_renamed()
    {
        var user = await SignInAsync(TeamRole.Editor);
        var id = await ImportAsync(user, ("cat", 1), ("dog", 1), ("fox", 1));
        var page = Render<DatasetDetail>(p => p.Add(c => c.Id, id));

        page.WaitForElement("#rename-classes").Click();
        page.Find("#class-name-2").Input("cat");
        page.Find("#save-classes").Click();

        page.WaitForAssertion(() => Assert.Equal("Class names must differ: 'cat' is given for label 0 and label 2.",
            LabelEditorTests.ErrorAt(page.Find("#class-name-2"))), Wait);
        Assert.Null(LabelEditorTests.ErrorAt(page.Find("#class-name-0")));

        page.Find("#class-name-2").Input("");
        page.Find("#save-classes").Click();
        page.WaitForAssertion(() => Assert.Equal("The name for label 2 must not be empty.", LabelEditorTests.ErrorAt(page.Find("#class-name-2"))), Wait);
        Assert.Equal(["cat", "dog", "fox"], await RunAsync<DatasetService, List<string>>(s => s.ClassNamesAsync(user.UserId, id)));
    }

    [Fact]
    public async Task A_viewer_sees_the_classes_but_cannot_rename_them()
    {
        var user = await SignInAsync(TeamRole.Viewer);
        var id = await ImportAsync(user, ("cat", 1), ("dog", 1));
        var page = Render<DatasetDetail>(p => p.Add(c => c.Id, id));

        page.WaitForAssertion(() => Assert.Equal(["0 cat 1", "1 dog 1"], Rows(page)), Wait);
        Assert.Empty(page.FindAll("#rename-classes"));
    }

    private static List<string> Rows(IRenderedComponent<DatasetDetail> page) =>
        [.. page.FindAll("#class-table tbody tr").Select(r => string.Join(" ", r.QuerySelectorAll("td").Select(c => c.TextContent.Trim())))];

    /// <summary>A ZIP in ImageFolder layout with the given number of distinct images per class, imported by the team's owner.</summary>
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
                    var pixels = new byte[8 * 8];
                    new Random(++seed).NextBytes(pixels);
                    await entry.WriteAsync(PngEncoder.Encode(new Image(8, 8, 1, pixels)));
                }
        }
        var request = new NewDatasetRequest("animals", 28, 1, [new UploadedFile("animals.zip", path)]);
        return (await RunAsync<DatasetImportService, DatasetImportResult>(s => s.ImportAsync(user.OwnerId, user.TeamId, request))).Id;
    }
}
