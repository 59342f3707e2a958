using VaeWorkbench.Imaging;

namespace VaeWorkbench.Web.Inspection;

/// <summary>
/// Draws every point of the latent map into one RGB bitmap on the server, so 60,000 points cost the browser one image,
/// not 60,000 SVG elements; a click is resolved here to the nearest point.
/// </summary>
public sealed class LatentMapRenderer
{
    public const int Size = 560;
    private const int Margin = 8;
    private static readonly (byte R, byte G, byte B)[] ClassColours =
    [
        (31, 119, 180), (255, 127, 14), (44, 160, 44), (214, 39, 40), (148, 103, 189),
        (140, 86, 75), (227, 119, 194), (127, 127, 127), (188, 189, 34), (23, 190, 207),
    ];

    private readonly float[] _pixelX;
    private readonly float[] _pixelY;

    public LatentMapRenderer(float[] points)
    {
        var n = points.Length / 2;
        // Robust bounds (0.5th..99.5th percentile) so a few far outliers do not squash the rest into a corner; they are clamped to the edge.
        var (x0, x1) = XRange = Bounds(points, 0);
        var (y0, y1) = YRange = Bounds(points, 1);
        _pixelX = new float[n];
        _pixelY = new float[n];
        for (var i = 0; i < n; i++)
        {
            _pixelX[i] = Margin + (Size - 2 * Margin - 1) * Math.Clamp((points[i * 2] - x0) / (x1 - x0), 0, 1);
            _pixelY[i] = Size - 1 - Margin - (Size - 2 * Margin - 1) * Math.Clamp((points[i * 2 + 1] - y0) / (y1 - y0), 0, 1);
        }
    }

    public int Count => _pixelX.Length;

    /// <summary>The projected values drawn at the left and right edges of the plotting area (outliers beyond are clamped).</summary>
    public (float Low, float High) XRange { get; }

    /// <summary>The projected values drawn at the bottom and top edges of the plotting area.</summary>
    public (float Low, float High) YRange { get; }

    /// <summary>The bitmap column where the projected value <paramref name="x"/> is drawn (the centre of a dot there).</summary>
    public double PixelX(double x) => Margin + 1 + (Size - 2 * Margin - 1) * (x - XRange.Low) / (XRange.High - XRange.Low);

    /// <summary>The bitmap row where the projected value <paramref name="y"/> is drawn (larger values higher up).</summary>
    public double PixelY(double y) => Size - Margin - (Size - 2 * Margin - 1) * (y - YRange.Low) / (YRange.High - YRange.Low);

    public static (byte, byte, byte) ClassColour(int? label) => label is { } l ? ClassColours[((l % ClassColours.Length) + ClassColours.Length) % ClassColours.Length] : ((byte)60, (byte)60, (byte)60);

    /// <summary>Blue (lowest) through yellow to red (highest), by the score's rank so the colours spread evenly.</summary>
    public static (byte, byte, byte) RampColour(double t)
    {
        t = Math.Clamp(t, 0, 1);
        return t < 0.5
            ? ((byte)(255 * 2 * t), (byte)(80 + 175 * 2 * t), (byte)(220 * (1 - 2 * t)))
            : ((byte)255, (byte)(255 * (2 - 2 * t)), (byte)0);
    }

    public Image Render(IReadOnlyList<(byte R, byte G, byte B)> colours)
    {
        var pixels = new byte[Size * Size * 3];
        Array.Fill(pixels, (byte)255);
        for (var i = 0; i < Count; i++)
        {
            var (r, g, b) = colours[i];
            int cx = (int)_pixelX[i], cy = (int)_pixelY[i];
            for (var dy = 0; dy < 2; dy++)
                for (var dx = 0; dx < 2; dx++)
                {
                    var o = ((cy + dy) * Size + cx + dx) * 3;
                    pixels[o] = r;
                    pixels[o + 1] = g;
                    pixels[o + 2] = b;
                }
        }
        return new Image(Size, Size, 3, pixels);
    }

    /// <summary>Where point <paramref name="index"/> is drawn, "x,y" in bitmap pixels (the centre of its 2×2 dot).</summary>
    public string PixelOf(int index) => index < Count ? FormattableString.Invariant($"{(int)_pixelX[index] + 1},{(int)_pixelY[index] + 1}") : "";

    /// <summary>
    /// The points whose dot centre lies in the rectangle between two corners (x0, y0) and (x1, y1), in bitmap pixels,
    /// edges included: a region dragged on the map selects exactly what is drawn inside it.
    /// </summary>
    public int[] Within(double x0, double y0, double x1, double y1)
    {
        var (left, right) = (Math.Min(x0, x1), Math.Max(x0, x1));
        var (top, bottom) = (Math.Min(y0, y1), Math.Max(y0, y1));
        var inside = new List<int>();
        for (var i = 0; i < Count; i++)
        {
            double x = _pixelX[i] + 1, y = _pixelY[i] + 1;
            if (x >= left && x <= right && y >= top && y <= bottom) inside.Add(i);
        }
        return [.. inside];
    }

    /// <summary>The point drawn nearest to a click at (x, y) in image pixels, or null when none is within 12 px.</summary>
    public int? Nearest(double x, double y)
    {
        int? best = null;
        var bestDistance = 12.0 * 12.0;
        for (var i = 0; i < Count; i++)
        {
            var d = (_pixelX[i] + 1 - x) * (_pixelX[i] + 1 - x) + (_pixelY[i] + 1 - y) * (_pixelY[i] + 1 - y);
            if (d < bestDistance) (best, bestDistance) = (i, d);
        }
        return best;
    }

    private static (float Low, float High) Bounds(float[] points, int axis)
    {
        var values = new float[points.Length / 2];
        for (var i = 0; i < values.Length; i++) values[i] = points[i * 2 + axis];
        Array.Sort(values);
        float low = values[(int)(0.005 * (values.Length - 1))], high = values[(int)(0.995 * (values.Length - 1))];
        if (high - low < 1e-6f) (low, high) = (low - 1, high + 1);
        return (low, high);
    }
}
