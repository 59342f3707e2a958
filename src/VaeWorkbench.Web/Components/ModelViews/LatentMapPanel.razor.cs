using System.Globalization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using VaeWorkbench.Web.Components.Layout;
using VaeWorkbench.Web.Hosting;
using VaeWorkbench.Web.Inspection;

namespace VaeWorkbench.Web.Components.ModelViews;

/// <summary>
/// The latent map: one server-drawn bitmap of every training image's μ with axes, a legend, a hover preview of the nearest
/// point, click to pick a point (and interpolate between two), and drag to select a region for <see cref="LatentSelectionBox"/>.
/// </summary>
public partial class LatentMapPanel
{
    private const int AxisWidth = 64;
    private const int AxisHeight = 44;
    // A press and release closer than this many pixels is a click on a point, not a region.
    private const double DragThreshold = 4;
    // Thumbnails kept for hovering back over points already seen; beyond this the cache starts again.
    private const int ThumbnailCache = 500;

    private string projection = "pca";
    private string colour = "class";
    private LatentMapView? view;
    private (string X, string Y) axisTitles;
    private List<AxisTick> xTicks = [];
    private List<AxisTick> yTicks = [];
    private List<LegendEntry> legend = [];
    private string? error;
    private bool busy;
    private int? picked;
    private string? pickedImage;

    private int? from, to;
    private PictureView? path;
    private string? pathError;

    private (double X, double Y)? pressed;
    private Region? region;
    private LatentSelection? selection;

    private int? hovered;
    private bool fetchingThumbnail;
    private readonly Dictionary<int, string> thumbnails = [];

    [Parameter, EditorRequired] public Guid ModelId { get; set; }

    [Parameter] public IReadOnlyList<string> ClassNames { get; set; } = [];

    [CascadingParameter] public Workspace Workspace { get; set; } = default!;

    [Inject] public ScopedRunner Run { get; set; } = default!;

    private sealed record Region(double Left, double Top, double Width, double Height);

    private static string Invariant(FormattableString text) => FormattableString.Invariant(text);

    private string ClassOf(int index) => view?.Labels?[index] is { } l ? (l >= 0 && l < ClassNames.Count ? ClassNames[l] : $"class {l}") : "no label";

    // Razor reserves <text>, so the two axes are written as SVG markup here; every text in them is encoded.
    private MarkupString YAxis => new(
        $"<svg class=\"vwb-map-axis\" id=\"map-y-axis\" width=\"{AxisWidth}\" height=\"{LatentMapRenderer.Size}\" role=\"img\" aria-label=\"{Encode($"Vertical axis: {axisTitles.Y}")}\">"
        + Invariant($"<text class=\"vwb-map-axis-title\" transform=\"translate(14 {LatentMapRenderer.Size / 2}) rotate(-90)\" text-anchor=\"middle\">") + Encode(axisTitles.Y) + "</text>"
        + string.Concat(yTicks.Select(t => Invariant($"<line x1=\"{AxisWidth - 6}\" x2=\"{AxisWidth}\" y1=\"{t.Pixel:0.#}\" y2=\"{t.Pixel:0.#}\" />")
            + Invariant($"<text x=\"{AxisWidth - 9}\" y=\"{t.Pixel + 4:0.#}\" text-anchor=\"end\">") + Encode(t.Label) + "</text>"))
        + "</svg>");

    private MarkupString XAxis => new(
        $"<svg class=\"vwb-map-axis\" id=\"map-x-axis\" width=\"{LatentMapRenderer.Size}\" height=\"{AxisHeight}\" role=\"img\" aria-label=\"{Encode($"Horizontal axis: {axisTitles.X}")}\">"
        + string.Concat(xTicks.Select(t => Invariant($"<line x1=\"{t.Pixel:0.#}\" x2=\"{t.Pixel:0.#}\" y1=\"0\" y2=\"6\" />")
            + Invariant($"<text x=\"{t.Pixel:0.#}\" y=\"19\" text-anchor=\"middle\">") + Encode(t.Label) + "</text>"))
        + Invariant($"<text class=\"vwb-map-axis-title\" x=\"{LatentMapRenderer.Size / 2}\" y=\"{AxisHeight - 4}\" text-anchor=\"middle\">") + Encode(axisTitles.X) + "</text>"
        + "</svg>");

    private static string Encode(string text) => System.Net.WebUtility.HtmlEncode(text);

    private async Task LoadAsync()
    {
        busy = true;
        picked = hovered = null;
        (region, selection, pressed) = (null, null, null);
        thumbnails.Clear();
        var pca = projection == "pca";
        (view, error) = await InspectionCall.TryAsync(() => Run.RunAsync<InspectionService, LatentMapView>(s => s.LatentMapAsync(Workspace.UserId, ModelId, pca, colour == "score")));
        if (view is not null)
        {
            // Titles follow the drawn map, not the projection chosen since.
            axisTitles = LatentMapAxes.Titles(pca);
            xTicks = LatentMapAxes.XTicks(view.Renderer);
            yTicks = LatentMapAxes.YTicks(view.Renderer);
            legend = LatentMapAxes.ClassLegend(view.Labels, view.Renderer.Count, ClassNames);
        }
        busy = false;
    }

    private async Task SetEndAsync(bool start)
    {
        if (start) from = picked; else to = picked;
        if (from is { } a && to is { } b)
            (path, pathError) = await InspectionCall.TryAsync(() => Run.RunAsync<InspectionService, PictureView>(s => s.InterpolateAsync(Workspace.UserId, ModelId, a, b, 10, true)));
    }

    private void Press(MouseEventArgs e) => pressed = (e.OffsetX, e.OffsetY);

    private async Task ReleaseAsync(MouseEventArgs e)
    {
        if (pressed is not { } start || view is null) return;
        pressed = null;
        if (Math.Abs(e.OffsetX - start.X) < DragThreshold && Math.Abs(e.OffsetY - start.Y) < DragThreshold)
        {
            region = null;
            await ClickAsync(e);
            return;
        }
        region = Rectangle(start, e);
        // The drawn map's own renderer resolves the rectangle: the same projection and coordinates the bitmap shows.
        var inside = view.Renderer.Within(start.X, start.Y, e.OffsetX, e.OffsetY);
        (selection, error) = await InspectionCall.TryAsync(() => Run.RunAsync<InspectionService, LatentSelection>(s => s.ImagesAtAsync(Workspace.UserId, ModelId, inside)));
    }

    private static Region Rectangle((double X, double Y) start, MouseEventArgs e) =>
        new(Math.Min(start.X, e.OffsetX), Math.Min(start.Y, e.OffsetY), Math.Abs(e.OffsetX - start.X), Math.Abs(e.OffsetY - start.Y));

    private async Task ClickAsync(MouseEventArgs e)
    {
        if (view?.Renderer.Nearest(e.OffsetX, e.OffsetY) is not { } index) return;
        picked = index;
        pickedImage = thumbnails.GetValueOrDefault(index) ?? await Run.RunAsync<InspectionService, string>(s => s.ImageAsync(Workspace.UserId, ModelId, index));
    }

    /// <summary>
    /// While dragging, the rectangle follows the mouse. Otherwise the nearest point is previewed; its image comes from the
    /// server at most one request at a time, and when the mouse has moved on meanwhile the next request asks for the point
    /// it is over now, not for every point it passed.
    /// </summary>
    private async Task MoveAsync(MouseEventArgs e)
    {
        if (view is null) return;
        if (pressed is { } start)
        {
            region = Rectangle(start, e);
            return;
        }
        hovered = view.Renderer.Nearest(e.OffsetX, e.OffsetY);
        if (fetchingThumbnail) return;
        fetchingThumbnail = true;
        try
        {
            while (hovered is { } wanted && !thumbnails.ContainsKey(wanted))
            {
                if (thumbnails.Count >= ThumbnailCache) thumbnails.Clear();
                thumbnails[wanted] = await Run.RunAsync<InspectionService, string>(s => s.ImageAsync(Workspace.UserId, ModelId, wanted));
                StateHasChanged();
            }
        }
        finally
        {
            fetchingThumbnail = false;
        }
    }

    private void HideHover() => hovered = null;

    /// <summary>Beside the point, on whichever side keeps the preview inside the map.</summary>
    private string TooltipPosition(int index)
    {
        var xy = view!.Renderer.PixelOf(index).Split(',');
        double x = double.Parse(xy[0], CultureInfo.InvariantCulture), y = double.Parse(xy[1], CultureInfo.InvariantCulture);
        const double width = 190, height = 72, gap = 10;
        var left = x + gap + width <= LatentMapRenderer.Size ? x + gap : x - gap - width;
        var top = Math.Clamp(y - height / 2, 0, LatentMapRenderer.Size - height);
        return Invariant($"left:{left:0}px;top:{top:0}px");
    }
}
