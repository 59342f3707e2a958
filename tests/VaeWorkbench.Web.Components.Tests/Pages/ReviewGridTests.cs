using Microsoft.AspNetCore.Components.Web;
using VaeWorkbench.Web.Components.Pages;
using VaeWorkbench.Web.Scoring;

namespace VaeWorkbench.Web.Components.Tests.Pages;

public sealed class ReviewGridSelectionTests
{
    private static readonly long[] Page = [10, 11, 12, 13, 14, 15];

    [Fact]
    public void A_click_toggles_one_image()
    {
        var selection = new ReviewGridSelection();
        selection.Click(Page, 12, shift: false);
        selection.Click(Page, 14, shift: false);
        Assert.Equal([12, 14], selection.Selected.Order());

        selection.Click(Page, 12, shift: false);
        Assert.Equal([14], selection.Selected);
    }

    [Fact]
    public void A_shift_click_selects_the_range_from_the_last_click_in_either_direction()
    {
        var selection = new ReviewGridSelection();
        selection.Click(Page, 11, shift: false);
        selection.Click(Page, 14, shift: true);
        Assert.Equal([11, 12, 13, 14], selection.Selected.Order());

        selection.Click(Page, 10, shift: true); // the anchor moved to 14: 10..14
        Assert.Equal([10, 11, 12, 13, 14], selection.Selected.Order());
    }

    [Fact]
    public void A_shift_click_without_an_earlier_click_on_the_page_toggles_only_that_image()
    {
        var selection = new ReviewGridSelection();
        selection.Click(Page, 13, shift: true);
        Assert.Equal([13], selection.Selected);

        selection.Click([20, 21, 22], 22, shift: true); // the anchor is on another page
        Assert.Equal([13, 22], selection.Selected.Order());
    }

    [Fact]
    public void Select_all_on_the_page_selects_the_page_and_a_second_time_clears_it()
    {
        var selection = new ReviewGridSelection();
        selection.Click([20], 20, shift: false); // on another page: kept
        selection.Click(Page, 12, shift: false);

        selection.TogglePage(Page);
        Assert.True(selection.AllOf(Page));
        Assert.Equal(7, selection.Count);

        selection.TogglePage(Page);
        Assert.Equal([20], selection.Selected);
        Assert.False(selection.AllOf([]));
    }

    [Fact]
    public void Images_that_leave_the_view_leave_the_selection_and_the_range_anchor()
    {
        var selection = new ReviewGridSelection();
        selection.Click(Page, 11, shift: false);
        selection.Click(Page, 13, shift: false);

        selection.KeepOnly([12, 13, 14, 15]);
        Assert.Equal([13], selection.Selected);

        selection.Click(Page, 15, shift: true); // anchor 13 is still shown
        Assert.Equal([13, 14, 15], selection.Selected.Order());

        selection.KeepOnly([10, 12]);
        Assert.Empty(selection.Selected);
        selection.Click([10, 12], 12, shift: true); // anchor gone: a plain toggle
        Assert.Equal([12], selection.Selected);
    }
}

public sealed class ReviewGridTests : WorkbenchTestContext
{
    private static readonly IReadOnlyList<ScoredImage> Items =
        [.. Enumerable.Range(0, 60).Select(i => new ScoredImage(1000 + i, i, i % 2, 100 - i, Flagged: true, Queued: false))];

    [Fact]
    public void Clicks_and_shift_clicks_select_and_the_bulk_buttons_send_the_selection_in_display_order()
    {
        (ReviewVerdict Verdict, IReadOnlyList<long> Ids)? sent = null;
        var grid = Render<ReviewGrid>(p => p.Add(c => c.Items, Items).Add(c => c.DatasetId, Guid.NewGuid()).Add(c => c.CanEdit, true)
            .Add(c => c.ClassNames, ["bolt", "nut"]).Add(c => c.OnDecide, d => sent = d));

        Assert.Equal(ReviewGrid.PageSize, grid.FindAll(".vwb-review-thumb").Count);
        Assert.Equal("Image #1, class nut, score 99, undecided", Thumb(grid, 1001).GetAttribute("aria-label"));
        Assert.True(grid.Find("#grid-confirm").HasAttribute("disabled"));

        Thumb(grid, 1004).Click();
        Thumb(grid, 1002).Click(new MouseEventArgs { ShiftKey = true });
        Thumb(grid, 1010).Click();
        Assert.Equal("4 selected", grid.Find("#grid-selected").TextContent.Trim());
        Assert.Equal("true", Thumb(grid, 1003).GetAttribute("aria-pressed"));
        grid.Find("#grid-confirm").Click();

        Assert.Equal(ReviewVerdict.Anomaly, sent!.Value.Verdict);
        Assert.Equal([1002, 1003, 1004, 1010], sent.Value.Ids);
    }

    [Fact]
    public void Select_all_takes_the_page_only_and_the_keys_decide_and_undo()
    {
        var calls = new List<string>();
        var grid = Render<ReviewGrid>(p => p.Add(c => c.Items, Items).Add(c => c.DatasetId, Guid.NewGuid()).Add(c => c.CanEdit, true)
            .Add(c => c.OnDecide, d => calls.Add($"{d.Verdict} {d.ImageIds.Count}")).Add(c => c.OnUndo, () => calls.Add("undo")));

        grid.Find("#review-grid input[type=checkbox]").Change(true);
        Assert.Equal($"{ReviewGrid.PageSize} selected", grid.Find("#grid-selected").TextContent.Trim());
        grid.Find("#review-grid").KeyDown(new KeyboardEventArgs { Key = "n" });
        grid.Find("#review-grid").KeyDown(new KeyboardEventArgs { Key = "z", CtrlKey = true });
        grid.Find("#review-grid").KeyDown(new KeyboardEventArgs { Key = "s" }); // skipping is the card's key, not the grid's

        Assert.Equal([$"Normal {ReviewGrid.PageSize}", "undo"], calls);
    }

    [Fact]
    public void A_viewer_selects_but_has_no_decision_buttons()
    {
        var grid = Render<ReviewGrid>(p => p.Add(c => c.Items, Items).Add(c => c.DatasetId, Guid.NewGuid()).Add(c => c.CanEdit, false));

        Thumb(grid, 1000).Click();
        Assert.Equal("1 selected", grid.Find("#grid-selected").TextContent.Trim());
        Assert.Empty(grid.FindAll("#grid-confirm"));
        Assert.Empty(grid.FindAll("#grid-dismiss"));
    }

    private static AngleSharp.Dom.IElement Thumb(IRenderedComponent<ReviewGrid> grid, long imageId) =>
        grid.FindAll(".vwb-review-thumb").Single(t => t.GetAttribute("data-image") == imageId.ToString());
}
