using VaeWorkbench.Web.Components.Pages;

namespace VaeWorkbench.Web.Components.Tests.Pages;

public sealed class ReviewTests : WorkbenchTestContext
{
    [Fact]
    public void The_legend_lists_every_key_the_card_answers_to()
    {
        var legend = Render<ReviewShortcutLegend>(p => p.Add(c => c.CanDecide, true));

        var rows = legend.FindAll("#review-shortcuts tbody tr").Select(r => string.Join(" | ", r.Children.Select(c => c.TextContent.Trim()))).ToList();
        Assert.Equal(["A | Mark as anomaly", "N | Mark as normal", "S | Skip (decide later)", "→ or J | Next image", "← or K | Previous image"], rows);
        Assert.Equal(7, legend.FindAll("#review-shortcuts kbd").Count);
        Assert.DoesNotContain("editors only", legend.Markup);
    }

    [Fact]
    public void A_viewer_sees_the_decision_keys_marked_as_an_editors()
    {
        var legend = Render<ReviewShortcutLegend>(p => p.Add(c => c.CanDecide, false));

        var off = legend.FindAll("#review-shortcuts tr.vwb-key-off").Select(r => r.GetAttribute("data-keys")).ToList();
        Assert.Equal(["a", "n", "s"], off);
        Assert.Equal(3, legend.FindAll("#review-shortcuts td").Count(c => c.TextContent.EndsWith("(editors only)", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("a", ReviewVerdict.Anomaly, 0)]
    [InlineData("N", ReviewVerdict.Normal, 0)]
    [InlineData("s", ReviewVerdict.Skip, 0)]
    [InlineData("ArrowRight", null, 1)]
    [InlineData("j", null, 1)]
    [InlineData("ArrowLeft", null, -1)]
    [InlineData("k", null, -1)]
    public void Keys_map_to_decisions_and_moves(string key, ReviewVerdict? verdict, int move)
    {
        var shortcut = ReviewShortcuts.Find(key);

        Assert.NotNull(shortcut);
        Assert.Equal((verdict, move), (shortcut.Verdict, shortcut.Move));
    }

    [Fact]
    public void Other_keys_do_nothing() => Assert.Null(ReviewShortcuts.Find("x"));

    [Fact]
    public async Task Without_score_jobs_the_page_says_what_to_do_first()
    {
        await SignInAsync(TeamRole.Editor);

        var page = Render<Review>();

        page.WaitForAssertion(() => Assert.Contains("Score a dataset on a model's page", page.Find("#review-empty").TextContent));
        Assert.Equal("Review flagged images", page.Find("h1").TextContent);
    }
}

public sealed class ReviewHistoryTests : WorkbenchTestContext
{
    [Fact]
    public async Task The_history_pages_on_the_server_latest_decision_first()
    {
        var user = await SignInAsync(TeamRole.Viewer);
        var job = await AddReviewedScoreJobAsync(user, images: 20, decided: 13);

        var history = Render<ReviewHistory>(p => p.Add(c => c.JobId, job));

        history.WaitForAssertion(() => Assert.Equal(10, history.FindAll("tbody tr.mud-table-row").Count));
        Assert.Contains("1-10 of 13", string.Concat(history.FindAll(".mud-table-pagination-caption").Select(c => c.TextContent)));
        var first = history.FindAll("tbody tr.mud-table-row")[0].TextContent;
        Assert.Contains("#0", first);
        Assert.Contains("bolt", first);
        Assert.Contains("Anomaly", first);

        history.Find("button[aria-label='Next page']").Click();

        history.WaitForAssertion(() => Assert.Equal(3, history.FindAll("tbody tr.mud-table-row").Count));
        Assert.Contains("#12", history.FindAll("tbody tr.mud-table-row")[^1].TextContent);
    }

    [Fact]
    public async Task The_history_filters_by_decision_and_note_on_the_server()
    {
        var user = await SignInAsync(TeamRole.Editor);
        var job = await AddReviewedScoreJobAsync(user, images: 12, decided: 9);
        var popovers = Render<MudBlazor.MudPopoverProvider>();
        var history = Render<ReviewHistory>(p => p.Add(c => c.JobId, job));
        history.WaitForAssertion(() => Assert.Equal(9, history.FindAll("tbody tr.mud-table-row").Count));

        await history.Find("#history-decision .mud-select-input").MouseDownAsync(new());
        popovers.WaitForAssertion(() => Assert.NotEmpty(popovers.FindAll(".mud-list-item")));
        popovers.FindAll(".mud-list-item").Single(i => i.TextContent.Trim() == "Normal").Click();

        history.WaitForAssertion(() => Assert.Equal(3, history.FindAll("tbody tr.mud-table-row").Count), TimeSpan.FromSeconds(30));
        Assert.All(history.FindAll("tbody tr.mud-table-row"), r => Assert.Contains("Normal", r.TextContent));

        history.Find("#history-search input").Input("SEAM");
        history.Find("#history-search input").Blur();

        // A debounced search field: on a busy machine its timer and the reload can take a while.
        history.WaitForAssertion(() => Assert.Single(history.FindAll("tbody tr.mud-table-row")), TimeSpan.FromSeconds(30));
        Assert.Contains("torn seam", history.Find("tbody tr.mud-table-row").TextContent);
    }
}
