using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Components;
using VaeWorkbench.Web.Runs;

namespace VaeWorkbench.Web.Components.Shared;

/// <summary>
/// Curves over epochs as a server-rendered SVG: a legend, whole-number epoch ticks, a marker on every point while there
/// are few (so a single finished epoch shows), colours from the theme's --mud-palette-* variables (dark mode follows),
/// and for screen readers an aria-label summary plus a visually hidden table of the values.
/// </summary>
/// <remarks>
/// Why not MudChart: its line chart (MudBlazor 9) plots values against category labels by index rather than against a
/// numeric epoch axis, so curves of different lengths or with gaps (validation, runs compared side by side) misalign,
/// its palette takes fixed colour strings rather than the theme's variables, and it sizes itself through JS interop
/// after the first render. A chart this small, drawn entirely on the server, renders the same in bUnit, in the
/// prerendered page and live, and its markup is ours to test.
/// </remarks>
public partial class LineChart
{
    internal const double Width = 480, Height = 260, Left = 58, Right = 14, Top = 12, Bottom = 46;
    private const int MarkerLimit = 40, TableRowLimit = 60;
    private static readonly string[] Palette =
        ["var(--mud-palette-primary)", "var(--mud-palette-secondary)", "var(--mud-palette-tertiary)", "var(--mud-palette-warning)", "var(--mud-palette-info)"];
    private static readonly string[] Dashes = ["none", "6 4", "2 3", "8 3 2 3", "4 4"];

    private double xMin, xMax, yMin, yMax;
    private List<int> xTicks = [];
    private List<double> yTicks = [];
    private int decimals;

    [Parameter, EditorRequired] public IReadOnlyList<ChartLine> Series { get; set; } = [];

    /// <summary>What the chart shows, for its accessible summary and table caption.</summary>
    [Parameter, EditorRequired] public string Title { get; set; } = "";

    [Parameter] public string XTitle { get; set; } = "Epoch";

    [Parameter] public string YTitle { get; set; } = "nats";

    [Parameter] public string? Id { get; set; }

    [Parameter] public string EmptyText { get; set; } = "No epoch has finished yet.";

    private bool HasPoints => Series.Any(s => s.Points.Count > 0);

    protected override void OnParametersSet()
    {
        if (!HasPoints) return;
        var points = Series.SelectMany(s => s.Points).ToList();
        (xMin, xMax) = (points.Min(p => p.Epoch), points.Max(p => p.Epoch));
        if (xMin == xMax) (xMin, xMax) = (xMin - 0.5, xMax + 0.5); // one epoch sits in the middle
        var xStep = Math.Max(1, (int)Math.Ceiling(NiceStep(xMax - xMin, 6)));
        xTicks = EpochTicks(xMin, xMax, xStep);

        var (low, high) = (points.Min(p => p.Value), points.Max(p => p.Value));
        if (low == high)
        {
            var pad = Math.Abs(low) > 0 ? Math.Abs(low) * 0.1 : 1;
            (low, high) = (low - pad, high + pad);
        }
        var yStep = NiceStep(high - low, 5);
        (yMin, yMax) = (Math.Floor(low / yStep) * yStep, Math.Ceiling(high / yStep) * yStep);
        yTicks = [];
        for (var v = yMin; v <= yMax + yStep / 2; v += yStep) yTicks.Add(Math.Round(v / yStep) * yStep);
        decimals = Math.Clamp(-(int)Math.Floor(Math.Log10(yStep)), 0, 6);
    }

    /// <summary>1, 2 or 5 times a power of ten, so that about <paramref name="count"/> steps span <paramref name="range"/>.</summary>
    internal static double NiceStep(double range, int count)
    {
        var raw = range / count;
        if (raw <= 0 || double.IsNaN(raw) || double.IsInfinity(raw)) return 1;
        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        var normal = raw / magnitude;
        return (normal <= 1 ? 1 : normal <= 2 ? 2 : normal <= 5 ? 5 : 10) * magnitude;
    }

    /// <summary>Whole epochs at multiples of <paramref name="step"/> inside the range.</summary>
    internal static List<int> EpochTicks(double min, double max, int step)
    {
        var ticks = new List<int>();
        for (var t = (int)Math.Ceiling(min / step) * step; t <= max; t += step) ticks.Add(t);
        return ticks;
    }

    private double ToX(double epoch) => Left + (epoch - xMin) / (xMax - xMin) * (Width - Left - Right);

    private double ToY(double value) => Height - Bottom - (value - yMin) / (yMax - yMin) * (Height - Top - Bottom);

    private static string Fmt(double v) => v.ToString("0.#", CultureInfo.InvariantCulture);

    private string FormatValue(double v) => v.ToString("N" + decimals, CultureInfo.CurrentCulture);

    private static string Colour(int i) => Palette[i % Palette.Length];

    private static string Dash(int i) => Dashes[i % Dashes.Length];

    private string PathData(ChartLine line)
    {
        var d = new StringBuilder();
        foreach (var p in line.Points.OrderBy(p => p.Epoch))
            d.Append(d.Length == 0 ? "M" : " L").Append(Fmt(ToX(p.Epoch))).Append(',').Append(Fmt(ToY(p.Value)));
        return d.ToString();
    }

    /// <summary>Every point while they are few; past that only the latest, which the eye looks for.</summary>
    private static IEnumerable<RunChartPoint> MarkedPoints(ChartLine line) =>
        line.Points.Count <= MarkerLimit ? line.Points : [line.Points.MaxBy(p => p.Epoch)!];

    /// <summary>Every epoch for the hidden table, thinned evenly (first and last kept) when a run is long.</summary>
    private IEnumerable<int> TableEpochs()
    {
        var epochs = Series.SelectMany(s => s.Points).Select(p => p.Epoch).Distinct().Order().ToList();
        if (epochs.Count <= TableRowLimit) return epochs;
        var every = (int)Math.Ceiling(epochs.Count / (double)TableRowLimit);
        return epochs.Where((_, i) => i % every == 0 || i == epochs.Count - 1);
    }

    /// <summary>One sentence per curve: where it started, where it is now and its lowest value.</summary>
    private string Summary
    {
        get
        {
            var parts = Series.Where(s => s.Points.Count > 0).Select(s =>
            {
                var (first, last) = (s.Points.MinBy(p => p.Epoch)!, s.Points.MaxBy(p => p.Epoch)!);
                var lowest = s.Points.MinBy(p => p.Value)!;
                return s.Points.Count == 1
                    ? $"{s.Name}: {FormatValue(first.Value)} at epoch {first.Epoch}"
                    : $"{s.Name}: from {FormatValue(first.Value)} at epoch {first.Epoch} to {FormatValue(last.Value)} at epoch {last.Epoch}, lowest {FormatValue(lowest.Value)} at epoch {lowest.Epoch}";
            });
            return $"{Title}, {YTitle} by {XTitle.ToLowerInvariant()}. " + string.Join(". ", parts) + ".";
        }
    }
}
