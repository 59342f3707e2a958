using Microsoft.AspNetCore.Components.Web;
using VaeWorkbench.Web.Components.ModelViews;
using VaeWorkbench.Web.Inspection;

namespace VaeWorkbench.Web.Components.Tests.Models;

public sealed class LatentMapPanelTests : WorkbenchTestContext
{
    private static readonly int?[] Labels = [.. Enumerable.Range(0, 60).Select(i => (int?)(i % 3))];

    private async Task<IRenderedComponent<LatentMapPanel>> DrawAsync(TeamRole role = TeamRole.Editor)
    {
        var user = await SignInAsync(role);
        var (modelId, _, datasetId) = await this.AddModelWithFileAsync(user, classNames: ["Shirt", "Trouser", "Bag"]);
        await this.AddModelFilesAsync(modelId, datasetId, Labels);
        var panel = Render<LatentMapPanel>(p => p.Add(c => c.ModelId, modelId).Add(c => c.ClassNames, ["Shirt", "Trouser", "Bag"]));
        panel.Find("#map-draw").Click();
        panel.WaitForElement("#map-image", TimeSpan.FromSeconds(30));
        return panel;
    }

    [Fact]
    public async Task The_map_has_labelled_axes_with_tick_values_and_a_class_legend()
    {
        var panel = await DrawAsync();

        var x = panel.Find("#map-x-axis");
        var y = panel.Find("#map-y-axis");
        Assert.Contains("PC 1 of μ", x.TextContent);
        Assert.Contains("PC 2 of μ", y.TextContent);
        Assert.InRange(x.QuerySelectorAll("line").Length, 3, 12);
        Assert.InRange(y.QuerySelectorAll("line").Length, 3, 12);
        Assert.All(x.QuerySelectorAll("text").SkipLast(1), t => Assert.Matches(@"^−?\d+(\.\d+)?$", t.TextContent));
        var legend = panel.Find("#map-legend").TextContent;
        Assert.Contains("Shirt (20)", legend);
        Assert.Contains("Trouser (20)", legend);
        Assert.Contains("Bag (20)", legend);
    }

    [Fact]
    public async Task Hovering_near_a_point_previews_its_image_and_class()
    {
        var panel = await DrawAsync();
        var xy = panel.Find("#map-image").GetAttribute("data-point0")!.Split(',').Select(double.Parse).ToArray();

        panel.Find("#map-image").MouseMove(new MouseEventArgs { OffsetX = xy[0], OffsetY = xy[1] });

        panel.WaitForAssertion(() => Assert.NotNull(panel.Find("#map-tooltip img").GetAttribute("src")), TimeSpan.FromSeconds(10));
        Assert.Contains("Shirt", panel.Find("#map-tooltip").TextContent);
        panel.Find(".vwb-map-frame").MouseLeave();
        panel.WaitForAssertion(() => Assert.Empty(panel.FindAll("#map-tooltip")), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Dragging_a_rectangle_selects_the_images_inside_it()
    {
        var panel = await DrawAsync();

        panel.Find("#map-image").MouseDown(new MouseEventArgs { OffsetX = 0, OffsetY = 0 });
        panel.Find("#map-image").MouseMove(new MouseEventArgs { OffsetX = 300, OffsetY = 300 });
        panel.Find("#map-image").MouseUp(new MouseEventArgs { OffsetX = LatentMapRenderer.Size, OffsetY = LatentMapRenderer.Size });

        panel.WaitForElement("#map-region", TimeSpan.FromSeconds(10));
        panel.WaitForAssertion(() => Assert.StartsWith("60 images selected", panel.Find("#map-selection-count").TextContent.Trim()), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void Axis_ticks_are_round_values_inside_the_range()
    {
        var ticks = LatentMapAxes.Ticks(-1.3, 2.7, v => v * 100);

        Assert.Equal(["−1", "0", "1", "2"], ticks.Select(t => t.Label));
        Assert.Equal(-100, ticks[0].Pixel);
        Assert.Equal(["0.00", "0.02", "0.04"], LatentMapAxes.Ticks(0, 0.05, v => v, target: 3).Select(t => t.Label));
        Assert.Empty(LatentMapAxes.Ticks(1, 1, v => v));
    }
}
