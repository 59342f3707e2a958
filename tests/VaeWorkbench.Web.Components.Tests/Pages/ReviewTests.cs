using VaeWorkbench.Web.Components.Pages;

namespace VaeWorkbench.Web.Components.Tests.Pages;

public sealed class ReviewTests : WorkbenchTestContext
{
    [Fact]
    public void The_legend_lists_every_key_the_card_answers_to()
    {
        var legend = Render<ReviewShortcutLegend>(p => p.Add(c => c.CanDecide, true));

        var rows = legend.FindAll("#review-shortcuts tbody tr").Select(r => string.Join(" | ", r.Children.Select(c => c.TextContent.Trim()))).ToList();
        Assert.Equal(["A | Mark as anomaly", "N | Mark as normal", "S | Skip (decide later)", "→ or J | Next image", "← or K | Previous image",
            "Ctrl+Z | Undo your last decision (a bulk one as a whole)"], rows);
        Assert.Equal(8, legend.FindAll("#review-shortcuts kbd").Count);
        Assert.DoesNotContain("editors only", legend.Markup);
    }

    [Fact]
    public void A_viewer_sees_the_decision_keys_marked_as_an_editors()
    {
        var legend = Render<ReviewShortcutLegend>(p => p.Add(c => c.CanDecide, false));

        var off = legend.FindAll("#review-shortcuts tr.vwb-key-off").Select(r => r.GetAttribute("data-keys")).ToList();
        Assert.Equal(["a", "n", "s", "ctrl+z"], off);
        Assert.Equal(4, legend.FindAll("#review-shortcuts td").Count(c => c.TextContent.EndsWith("(editors only)", StringComparison.Ordinal)));
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
    public void The_grid_legend_lists_the_grid_keys_and_undo()
    {
        var legend = Render<ReviewShortcutLegend>(p => p.Add(c => c.CanDecide, true).Add(c => c.Grid, true));

        var rows = legend.FindAll("#review-shortcuts tbody tr").Select(r => string.Join(" | ", r.Children.Select(c => c.TextContent.Trim()))).ToList();
        Assert.Equal(["A | Confirm the selected images as anomalies", "N | Dismiss the selected images as normal",
            "Ctrl+Z | Undo your last decision (a bulk one as a whole)"], rows);
        Assert.Contains("Shift+click a range", legend.Find("#review-shortcuts").TextContent);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Ctrl_z_undoes_in_both_modes_and_plain_z_does_nothing(bool grid)
    {
        Assert.True(ReviewShortcuts.Find("z", ctrl: true, grid)?.Undo);
        Assert.True(ReviewShortcuts.Find("Z", ctrl: true, grid)?.Undo);
        Assert.Null(ReviewShortcuts.Find("z", ctrl: false, grid));
        Assert.Null(ReviewShortcuts.Find("a", ctrl: true, grid));
    }

    [Fact]
    public async Task The_cards_image_is_named_by_file_and_number_and_the_picker_goes_to_another_image_of_the_queue()
    {
        var user = await SignInAsync(TeamRole.Editor);
        var jobId = await AddReviewedScoreJobAsync(user, images: 10, decided: 0);
        Navigation.NavigateTo($"review?job={jobId}");
        var dialogs = Render<MudBlazor.MudDialogProvider>();
        var page = Render<Review>();
        // Worst first: image 9 scores 9.
        page.WaitForAssertion(() => Assert.Equal("#9 (img9.png)", page.Find("#review-image figcaption").TextContent));

        page.Find("#review-image button").Click();
        dialogs.WaitForAssertion(() => Assert.Equal(10, dialogs.FindAll(".vwb-picker-thumb").Count));
        dialogs.FindAll(".vwb-picker-thumb").Single(t => t.GetAttribute("data-index") == "4").Click();
        dialogs.Find("#picker-choose").Click();
        page.WaitForAssertion(() => Assert.Equal("#4 (img4.png)", page.Find("#review-image figcaption").TextContent));
        Assert.Equal("6 of 9", page.Find(".vwb-facts td").TextContent);

        // Image 0 scored lowest: below the threshold, so not in the queue; the card stays where it was.
        page.Find("#review-image button").Click();
        dialogs.WaitForAssertion(() => Assert.Equal(10, dialogs.FindAll(".vwb-picker-thumb").Count));
        dialogs.FindAll(".vwb-picker-thumb").Single(t => t.GetAttribute("data-index") == "0").Click();
        dialogs.Find("#picker-choose").Click();
        page.WaitForAssertion(() => Assert.Contains(Snackbars, s => s.Message == "Image #0 is not in this review queue: it scored below the threshold and was not queued by hand."));
        page.WaitForAssertion(() => Assert.Equal("#4 (img4.png)", page.Find("#review-image figcaption").TextContent));
    }

    [Fact]
    public async Task In_grid_mode_a_bulk_confirm_is_stored_and_undo_brings_the_images_back_undecided()
    {
        var user = await SignInAsync(TeamRole.Editor);
        var jobId = await AddReviewedScoreJobAsync(user, images: 10, decided: 0);
        Navigation.NavigateTo($"review?job={jobId}");
        var page = Render<Review>();
        // Image i scores i and the threshold is the 0th percentile: every image above the lowest score is flagged.
        page.WaitForAssertion(() => Assert.Equal("9", page.Find("#review-remaining").TextContent));

        page.FindAll("#review-mode button").Single(b => b.TextContent.Contains("Grid")).Click();
        page.WaitForAssertion(() => Assert.Equal(9, page.FindAll(".vwb-review-thumb").Count));
        var worst = page.FindAll(".vwb-review-thumb").Take(3).Select(t => long.Parse(t.GetAttribute("data-image")!)).ToList();
        page.FindAll(".vwb-review-thumb")[0].Click();
        page.FindAll(".vwb-review-thumb")[2].Click(new Microsoft.AspNetCore.Components.Web.MouseEventArgs { ShiftKey = true });
        page.Find("#grid-confirm").Click();

        page.WaitForAssertion(() => Assert.Equal("6", page.Find("#review-remaining").TextContent));
        var stored = await QueryAsync(db => Task.FromResult(db.ReviewDecisions.Where(d => d.ScoreJobId == jobId).Select(d => new { d.DatasetImageId, d.Decision }).ToList()));
        Assert.Equal(worst.Order(), stored.Select(d => d.DatasetImageId).Order());
        Assert.All(stored, d => Assert.Equal(ReviewVerdict.Anomaly, d.Decision));
        Assert.Contains(Snackbars, s => s.Message == "3 images marked anomaly. Ctrl+Z or Undo takes them back.");

        page.Find("#review-grid").KeyDown(new Microsoft.AspNetCore.Components.Web.KeyboardEventArgs { Key = "z", CtrlKey = true });

        page.WaitForAssertion(() => Assert.Equal("9", page.Find("#review-remaining").TextContent));
        Assert.Equal(0, await QueryAsync(db => Task.FromResult(db.ReviewDecisions.Count(d => d.ScoreJobId == jobId))));
        Assert.Contains(Snackbars, s => s.Message == "Undone: 3 images marked anomaly, now undecided.");

        page.Find("#review-undo").Click();
        page.WaitForAssertion(() => Assert.Contains(Snackbars, s => s.Message?.StartsWith("Nothing to undo", StringComparison.Ordinal) == true));
    }

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
