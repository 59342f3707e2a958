using System.Globalization;
using VaeWorkbench.Web.Inspection;

namespace VaeWorkbench.Web.Components.ModelViews;

/// <summary>A tick on a latent map axis: where it sits along the bitmap's edge, in bitmap pixels, and its value.</summary>
public sealed record AxisTick(double Pixel, string Label);

/// <summary>One entry of the latent map's class legend: the colour the bitmap uses, the class's name, how many points.</summary>
public sealed record LegendEntry(string Colour, string Name, int Count);

/// <summary>What the latent map draws around its bitmap: axis titles, ticks, and the legend for its colours.</summary>
public static class LatentMapAxes
{
    /// <summary>The two axis titles for a projection: the principal components of μ, or its first two dimensions.</summary>
    public static (string X, string Y) Titles(bool pca) => pca ? ("PC 1 of μ", "PC 2 of μ") : ("z0 (μ of latent dimension 0)", "z1 (μ of latent dimension 1)");

    /// <summary>
    /// Round values (steps of 1, 2 or 5 times a power of ten) between <paramref name="low"/> and <paramref name="high"/>,
    /// about <paramref name="target"/> of them, each with the pixel <paramref name="toPixel"/> places it at.
    /// </summary>
    public static List<AxisTick> Ticks(double low, double high, Func<double, double> toPixel, int target = 5)
    {
        if (!(high > low) || !double.IsFinite(low) || !double.IsFinite(high)) return [];
        var raw = (high - low) / target;
        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        var step = (raw / magnitude) switch { < 1.5 => 1, < 3 => 2, < 7 => 5, _ => 10 } * magnitude;
        var decimals = Math.Max(0, -(int)Math.Floor(Math.Log10(step)));
        var ticks = new List<AxisTick>();
        for (var i = Math.Ceiling(low / step); i * step <= high + step * 1e-9; i++)
        {
            var value = i * step;
            // −0.0 would print as "-0".
            var label = (Math.Abs(value) < step * 1e-9 ? 0 : value).ToString("F" + decimals, CultureInfo.InvariantCulture).Replace('-', '−');
            ticks.Add(new AxisTick(toPixel(value), label));
        }
        return ticks;
    }

    public static List<AxisTick> XTicks(LatentMapRenderer renderer) => Ticks(renderer.XRange.Low, renderer.XRange.High, renderer.PixelX);

    public static List<AxisTick> YTicks(LatentMapRenderer renderer) => Ticks(renderer.YRange.Low, renderer.YRange.High, renderer.PixelY);

    /// <summary>The classes present on the map, in label order, with the colours the bitmap draws them in; unlabelled points last.</summary>
    public static List<LegendEntry> ClassLegend(IReadOnlyList<int>? labels, int count, IReadOnlyList<string> classNames)
    {
        if (labels is null) return [new(Css(LatentMapRenderer.ClassColour(null)), "no labels", count)];
        return [.. labels.GroupBy(l => l).OrderBy(g => g.Key).Select(g =>
            new LegendEntry(Css(LatentMapRenderer.ClassColour(g.Key)), g.Key >= 0 && g.Key < classNames.Count ? classNames[g.Key] : $"class {g.Key}", g.Count()))];
    }

    /// <summary>The score colour ramp as a CSS gradient, lowest rank on the left.</summary>
    public static string RampGradient() =>
        "linear-gradient(to right, " + string.Join(", ", Enumerable.Range(0, 5).Select(i => Css(LatentMapRenderer.RampColour(i / 4.0)))) + ")";

    /// <summary>The scores at the ramp's ends and middle: colour follows rank, so these are the minimum, median and maximum.</summary>
    public static (double Low, double Median, double High) RampScores(IReadOnlyList<double> scores)
    {
        var sorted = scores.Order().ToArray();
        return (sorted[0], sorted[sorted.Length / 2], sorted[^1]);
    }

    public static string Css((byte R, byte G, byte B) colour) => $"rgb({colour.R}, {colour.G}, {colour.B})";
}
