using MudBlazor;
using VaeWorkbench.Web.Augmentation;
using VaeWorkbench.Web.Components.Pages.Augment;
using VaeWorkbench.Web.Components.Tests.Pages;

namespace VaeWorkbench.Web.Components.Tests.Augment;

/// <summary>The generate form's class-balance controls and the per-class filter report of a generated set.</summary>
public sealed class BalanceControlsTests : WorkbenchTestContext
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Topping_up_asks_for_a_bound_and_queues_the_set_with_it()
    {
        var user = await SignInAsync(TeamRole.Editor);
        var (model, _) = await AddTrainedModelAsync(user, "digits", "zero", "one");
        var popovers = Render<MudPopoverProvider>();
        var page = Render<GeneratePage>(p => p.Add(c => c.ModelId, model));

        Assert.Empty(page.FindAll("#gen-max-attempts"));
        MudSelectChoice.Choose(page, popovers, "#gen-balance", "Top each class up");
        page.WaitForElement("#gen-max-attempts");
        page.Find("#gen-max-elbo input").Change("95");
        page.Find("#gen-count input").Change("200");
        page.Find("#gen-max-attempts input").Change("150");
        page.Find("#gen-save").Click();

        page.WaitForAssertion(() => Assert.Contains("From the count (200) to 1,000,000, or empty for 4 × count.", page.Find("#gen-max-attempts").TextContent), Wait);
        Assert.Equal(0, await QueryAsync(db => Task.FromResult(db.AugmentedSets.Count())));

        page.Find("#gen-max-attempts input").Change("500");
        page.Find("#gen-save").Click();
        page.WaitForAssertion(() => Assert.Equal("Queued", page.Find("#gen-status").TextContent.Trim()), Wait);
        var filter = AugmentationMapping.Filter(await QueryAsync(db => Task.FromResult(db.AugmentedSets.Single())))!;
        Assert.Equal(("topUp", 500, 95.0), (filter.Balance, filter.MaxAttempts, filter.MaxElboPercentile));
    }

    [Fact]
    public async Task Balancing_without_a_filter_is_refused_at_the_balance_field()
    {
        var user = await SignInAsync(TeamRole.Editor);
        var (model, _) = await AddTrainedModelAsync(user, "digits", "zero", "one");
        var popovers = Render<MudPopoverProvider>();
        var page = Render<GeneratePage>(p => p.Add(c => c.ModelId, model));

        MudSelectChoice.Choose(page, popovers, "#gen-balance", "Drop the same share");
        page.Find("#gen-save").Click();

        page.WaitForAssertion(() => Assert.Contains("Set a quality filter (max −ELBO percentile or min distance) to balance what it removes.",
            page.Find("#gen-balance").TextContent), Wait);
        Assert.Empty(page.FindAll("#gen-max-attempts"));
        Assert.Equal(0, await QueryAsync(db => Task.FromResult(db.AugmentedSets.Count())));
    }

    [Fact]
    public void The_filter_report_lists_what_each_class_lost_and_kept()
    {
        var report = new FilterOutcome("topUp", 260, 800, false, null,
        [
            new ClassRemoval("zero", 100, 130, 30, 0, 100),
            new ClassRemoval("one", 100, 130, 12, 18, 100),
        ]);

        var table = Render<FilterReportTable>(p => p.Add(c => c.Report, report));

        Assert.Equal("Each class was topped up to its target (260 samples drawn, at most 800): 60 samples removed, 200 kept.",
            table.Find("#filter-report-summary").TextContent);
        var rows = table.FindAll("#filter-report-table tbody tr").Select(r => string.Join(" ", r.Children.Select(c => c.TextContent.Trim()))).ToList();
        Assert.Equal(["zero 100 130 30 0 100", "one 100 130 12 18 100"], rows);
        Assert.Empty(table.FindAll("#filter-report-warning"));
    }

    [Fact]
    public void A_top_up_that_hit_its_bound_says_so_above_the_table()
    {
        var report = new FilterOutcome("topUp", 400, 400, true, "The top-up stopped at its bound of 400 samples drawn with classes still short: one has 80 of 100.",
            [new ClassRemoval("one", 100, 400, 320, 0, 80)]);

        var table = Render<FilterReportTable>(p => p.Add(c => c.Report, report));

        Assert.Contains("one has 80 of 100", table.Find("#filter-report-warning").TextContent);
    }
}
