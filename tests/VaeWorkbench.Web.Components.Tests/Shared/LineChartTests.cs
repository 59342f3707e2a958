using System.Globalization;
using VaeWorkbench.Web.Components.Shared;
using VaeWorkbench.Web.Runs;

namespace VaeWorkbench.Web.Components.Tests.Shared;

public sealed class LineChartTests : WorkbenchTestContext
{
    private static List<RunChartPoint> Curve(params double[] values) => [.. values.Select((v, i) => new RunChartPoint(i + 1, v))];

    private IRenderedComponent<LineChart> Chart(params ChartLine[] series) =>
        Render<LineChart>(p => p.Add(c => c.Series, series).Add(c => c.Title, "Loss").Add(c => c.YTitle, "nats per image").Add(c => c.Id, "chart"));

    [Fact]
    public void The_legend_names_every_curve_in_its_own_colour_and_dash()
    {
        var chart = Chart(new ChartLine("Train", Curve(500, 300, 200)), new ChartLine("Validation", Curve(520, 330, 240)));

        var entries = chart.FindAll(".vwb-chart-legend li");
        Assert.Equal(["Train", "Validation"], entries.Select(e => e.TextContent.Trim()));
        Assert.Contains("--mud-palette-primary", entries[0].GetAttribute("style"));
        Assert.Contains("--mud-palette-secondary", entries[1].GetAttribute("style"));
        Assert.NotEqual(entries[0].QuerySelector("line")!.GetAttribute("stroke-dasharray"), entries[1].QuerySelector("line")!.GetAttribute("stroke-dasharray"));
        Assert.Equal(2, chart.FindAll("path.vwb-chart-line").Count);
        // Axis titles are drawn in the picture.
        Assert.Equal(["Epoch", "nats per image"], chart.FindAll("text.vwb-chart-title").Select(t => t.TextContent));
    }

    [Fact]
    public void A_single_epoch_is_drawn_as_points_in_the_middle_with_one_epoch_tick()
    {
        var chart = Chart(new ChartLine("Train", Curve(540.2)), new ChartLine("Validation", Curve(560.1)));

        var points = chart.FindAll("circle.vwb-chart-point");
        Assert.Equal(2, points.Count);
        Assert.Empty(chart.FindAll("path.vwb-chart-line"));
        var axis = chart.Find("line.vwb-chart-x-axis");
        var middle = (Number(axis.GetAttribute("x1")) + Number(axis.GetAttribute("x2"))) / 2;
        Assert.All(points, p => Assert.Equal(middle, Number(p.GetAttribute("cx")), 0.1));
        Assert.Equal(["1"], XTicks(chart));
    }

    [Theory]
    [InlineData(3, new[] { "1", "2", "3" })]
    [InlineData(7, new[] { "1", "2", "3", "4", "5", "6", "7" })]
    [InlineData(30, new[] { "5", "10", "15", "20", "25", "30" })]
    [InlineData(500, new[] { "100", "200", "300", "400", "500" })]
    public void Epoch_ticks_are_whole_numbers(int epochs, string[] ticks)
    {
        var chart = Chart(new ChartLine("Train", Curve([.. Enumerable.Range(0, epochs).Select(i => 100.0 / (i + 1))])));

        Assert.Equal(ticks, XTicks(chart));
    }

    [Fact]
    public void Long_runs_mark_only_the_latest_point_but_draw_the_whole_curve()
    {
        var chart = Chart(new ChartLine("Train", Curve([.. Enumerable.Range(0, 200).Select(i => 100.0 / (i + 1))])));

        Assert.Single(chart.FindAll("circle.vwb-chart-point"));
        Assert.Equal(200, chart.Find("path.vwb-chart-line").GetAttribute("d")!.Split('L').Length);
    }

    [Fact]
    public void Screen_readers_get_a_summary_and_a_table_of_the_values()
    {
        var chart = Chart(new ChartLine("Train", Curve(500, 300, 320)), new ChartLine("Validation", [new(2, 350)]));

        var svg = chart.Find("svg.vwb-chart-svg");
        Assert.Equal("img", svg.GetAttribute("role"));
        var label = svg.GetAttribute("aria-label")!;
        Assert.Contains("Train: from 500 at epoch 1 to 320 at epoch 3, lowest 300 at epoch 2", label);
        Assert.Contains("Validation: 350 at epoch 2", label);
        Assert.Equal(label, svg.QuerySelector("title")!.TextContent);
        var table = chart.Find(".vwb-visually-hidden table");
        Assert.Equal(["1", "500", "–"], table.QuerySelectorAll("tbody tr")[0].Children.Select(c => c.TextContent));
        Assert.Equal(["2", "300", "350"], table.QuerySelectorAll("tbody tr")[1].Children.Select(c => c.TextContent));
    }

    [Fact]
    public void Without_points_the_chart_says_so_instead_of_drawing_empty_axes()
    {
        var chart = Chart(new ChartLine("Train", []));

        Assert.Empty(chart.FindAll("svg.vwb-chart-svg"));
        Assert.Contains("No epoch has finished yet.", chart.Markup);
    }

    private static double Number(string? attribute) => double.Parse(attribute!, CultureInfo.InvariantCulture);

    private static List<string> XTicks(IRenderedComponent<LineChart> chart) =>
        [.. chart.FindAll("text.vwb-chart-tick[text-anchor=middle]").Select(t => t.TextContent)];
}
