using VaeWorkbench.Web.Inspection;

namespace VaeWorkbench.Web.Tests;

public class LatentMapRendererTests
{
    [Fact]
    public void PointsLandInsideTheBitmapAndClicksFindTheNearest()
    {
        // A 3×3 lattice: the corners map to the corners of the plot area, the centre to the centre.
        var points = new float[18];
        for (var i = 0; i < 9; i++) (points[i * 2], points[i * 2 + 1]) = (i % 3, i / 3);
        var renderer = new LatentMapRenderer(points);
        var colours = Enumerable.Range(0, 9).Select(i => LatentMapRenderer.ClassColour(i)).ToList();
        var image = renderer.Render(colours);
        Assert.Equal((LatentMapRenderer.Size, LatentMapRenderer.Size, 3), (image.Width, image.Height, image.Channels));
        const int mid = LatentMapRenderer.Size / 2;
        Assert.Equal(4, renderer.Nearest(mid, mid));
        Assert.Equal(0, renderer.Nearest(10, LatentMapRenderer.Size - 10)); // (0,0) is bottom-left: y grows upwards
        Assert.Equal(8, renderer.Nearest(LatentMapRenderer.Size - 10, 10));
        Assert.Null(renderer.Nearest(mid / 2, mid / 2)); // between points, further than 12 px from any
        // The centre point's colour is drawn where it lands.
        var (r, g, b) = colours[4];
        var found = false;
        for (var y = mid - 3; y <= mid + 3 && !found; y++)
            for (var x = mid - 3; x <= mid + 3 && !found; x++)
            {
                var o = (y * LatentMapRenderer.Size + x) * 3;
                found = image.Pixels[o] == r && image.Pixels[o + 1] == g && image.Pixels[o + 2] == b;
            }
        Assert.True(found);
    }

    [Fact]
    public void A_region_selects_the_points_drawn_inside_it_worked_by_hand()
    {
        // Five points on the diagonal, 0..4. The robust bounds are the 0.5th and 99.5th percentile ranks:
        // values[(int)(0.005·4)] = 0 and values[(int)(0.995·4)] = 3, so x = 4 clamps to the edge like x = 3.
        // Pixel x = 8 + 543·x/3 → 8, 189, 370, 551, 551; y is flipped: 551, 370, 189, 8, 8. Dot centres are +1:
        // (9,552), (190,371), (371,190), (552,9), (552,9).
        var points = new float[] { 0, 0, 1, 1, 2, 2, 3, 3, 4, 4 };
        var renderer = new LatentMapRenderer(points);
        Assert.Equal("190,371", renderer.PixelOf(1));
        Assert.Equal([1, 2], renderer.Within(180, 180, 380, 380));
        Assert.Equal([1, 2], renderer.Within(380, 380, 180, 180)); // corners in either order
        Assert.Equal([1], renderer.Within(190, 371, 190, 371)); // edges count as inside
        Assert.Equal([3, 4], renderer.Within(540, 0, 560, 20)); // the clamped outlier is selected where it is drawn
        Assert.Empty(renderer.Within(200, 200, 360, 360));
        Assert.Equal([0, 1, 2, 3, 4], renderer.Within(0, 0, LatentMapRenderer.Size, LatentMapRenderer.Size));
    }

    [Fact]
    public void RampRunsFromBlueToRed()
    {
        Assert.Equal(((byte)0, (byte)80, (byte)220), LatentMapRenderer.RampColour(0));
        Assert.Equal(((byte)255, (byte)0, (byte)0), LatentMapRenderer.RampColour(1));
        Assert.Equal(((byte)255, (byte)0, (byte)0), LatentMapRenderer.RampColour(7));
    }
}
