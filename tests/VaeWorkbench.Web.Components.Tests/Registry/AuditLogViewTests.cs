using Microsoft.EntityFrameworkCore;
using MudBlazor;
using VaeWorkbench.Web.Audit;
using VaeWorkbench.Web.Components.Registry;
using VaeWorkbench.Web.Teams;

namespace VaeWorkbench.Web.Components.Tests.Registry;

/// <summary>The team page's audit log: pages come from the server, and every entry reads as a sentence.</summary>
public sealed class AuditLogViewTests : WorkbenchTestContext
{
    [Fact]
    public async Task The_grid_shows_the_newest_25_entries_and_the_pager_fetches_the_rest_from_the_server()
    {
        var user = await SignInAsync(TeamRole.Viewer);
        for (var i = 1; i <= 30; i++)
            await RunAsync<AuditLog>(log => log.RecordAsync(user.TeamId, user.OwnerId, AuditActions.TeamRenamed, "Team", user.TeamId, new { name = $"Lab {i}" }));
        var total = await QueryAsync(db => db.AuditEntries.CountAsync(e => e.TeamId == user.TeamId));
        Render<MudPopoverProvider>();

        var log = await RenderLogAsync(user);

        await log.WaitForAssertionAsync(() => Assert.Equal(25, Rows(log).Count));
        Assert.Contains("renamed the team to “Lab 30”", Rows(log)[0].TextContent);
        Assert.Contains("renamed the team to “Lab 6”", Rows(log)[24].TextContent);
        Assert.Contains($"1-25 of {total}", log.Find("#audit-grid .mud-table-pagination").TextContent.Replace("–", "-"));

        log.Find("#audit-grid button[aria-label='Next page']").Click();

        await log.WaitForAssertionAsync(() => Assert.Equal(total - 25, Rows(log).Count));
        Assert.Contains("renamed the team to “Lab 5”", Rows(log)[0].TextContent);
    }

    [Fact]
    public async Task Entries_read_as_sentences_that_link_their_objects_and_keep_keys_and_ids_under_details()
    {
        var user = await SignInAsync(TeamRole.Viewer);
        var modelId = Guid.NewGuid();
        await RunAsync<AuditLog>(log => log.RecordAsync(user.TeamId, user.OwnerId, AuditActions.AliasSet, "RegisteredModel", modelId,
            new { name = "fashion", alias = "production", version = 3, previous = 2 }));
        Render<MudPopoverProvider>();

        var log = await RenderLogAsync(user);

        await log.WaitForAssertionAsync(() => Assert.Contains("set alias production on fashion v3 (was v2)", Rows(log)[0].TextContent));
        var link = Rows(log)[0].QuerySelector("a")!;
        Assert.Equal(("fashion v3", "registry/fashion/versions/3"), (link.TextContent.Trim(), link.GetAttribute("href")));
        var visible = ProvenanceTests.VisibleText(log.Nodes);
        Assert.DoesNotContain(AuditActions.AliasSet, visible);
        Assert.DoesNotContain(modelId.ToString(), visible);
        Assert.DoesNotContain("{", visible);
        Assert.Contains(modelId.ToString(), log.Find("#audit-details").TextContent);
    }

    [Fact]
    public async Task A_review_names_its_image_by_its_stable_id_and_file_never_counted_from_one()
    {
        var user = await SignInAsync(TeamRole.Viewer);
        var jobId = await AddReviewedScoreJobAsync(user, images: 3, decided: 0);
        var image = await QueryAsync(db => db.DatasetImages.SingleAsync(i => i.Index == 2 && i.OriginalName == "img2.png"));
        await RunAsync<AuditLog>(log => log.RecordAsync(user.TeamId, user.OwnerId, AuditActions.ReviewRecorded, "Image", image.Id,
            new { scoreJobId = jobId, decision = "Anomaly" }));
        // A row that no longer exists (or is not the team's) is "an image": nothing of another team is named.
        await RunAsync<AuditLog>(log => log.RecordAsync(user.TeamId, user.OwnerId, AuditActions.ReviewRecorded, "Image", 999_999L,
            new { scoreJobId = jobId, decision = "Normal" }));
        Render<MudPopoverProvider>();

        var log = await RenderLogAsync(user);

        await log.WaitForAssertionAsync(() => Assert.Equal(2, Reviews().Count));
        Assert.Contains("reviewed image #2 (img2.png): anomaly", Reviews()[1].TextContent);
        Assert.Contains("reviewed an image: normal", Reviews()[0].TextContent);

        List<AngleSharp.Dom.IElement> Reviews() => [.. Rows(log).Where(r => r.TextContent.Contains("reviewed"))];
    }

    private async Task<IRenderedComponent<AuditLogView>> RenderLogAsync(SignedInUser user)
    {
        var members = await RunAsync<TeamService, List<MemberSummary>>(s => s.MembersAsync(user.UserId, user.TeamId));
        return Render<AuditLogView>(p => p.Add(c => c.TeamId, user.TeamId).Add(c => c.Members, members));
    }

    private static IReadOnlyList<AngleSharp.Dom.IElement> Rows(IRenderedComponent<AuditLogView> log) =>
        log.FindAll("#audit-grid tbody tr.mud-table-row");
}
