using VaeWorkbench.Engine.Classification;

namespace VaeWorkbench.Engine.Tests.Classification;

public class ImageJitterTests
{
    // The definition, pixel by pixel: dst[c,y,x] = src[c, y−dy, mirror(x−dx)], 0 outside.
    private static float[] Naive(float[] src, int channels, int height, int width, int dx, int dy, bool mirror)
    {
        var dst = new float[src.Length];
        for (var c = 0; c < channels; c++)
            for (var y = 0; y < height; y++)
                for (var x = 0; x < width; x++)
                {
                    int sy = y - dy, sx = x - dx;
                    if (sy < 0 || sy >= height || sx < 0 || sx >= width) continue;
                    dst[(c * height + y) * width + x] = src[(c * height + sy) * width + (mirror ? width - 1 - sx : sx)];
                }
        return dst;
    }

    [Theory]
    [InlineData(1, 5, 7, 0, 0, false)]
    [InlineData(1, 5, 7, 2, 0, false)]
    [InlineData(1, 5, 7, -3, 1, false)]
    [InlineData(3, 6, 4, 1, -2, true)]
    [InlineData(3, 6, 4, 0, 0, true)]
    [InlineData(1, 4, 4, 5, 0, false)] // shifted past the edge: all zero
    public void Matches_the_pixel_by_pixel_definition(int channels, int height, int width, int dx, int dy, bool mirror)
    {
        var rng = new Rng(3);
        var src = new float[channels * height * width];
        for (var i = 0; i < src.Length; i++) src[i] = 1 + rng.NextFloat(); // never 0, so a vacated pixel shows
        var dst = new float[src.Length];
        dst.AsSpan().Fill(-1); // stale values must not survive
        ImageJitter.Apply(src, dst, channels, height, width, dx, dy, mirror);
        Assert.Equal(Naive(src, channels, height, width, dx, dy, mirror), dst);
    }

    [Fact]
    public void A_shift_right_and_down_moves_a_pixel_that_way_and_a_mirror_moves_it_across()
    {
        var src = new float[3 * 4];
        src[1 * 4 + 0] = 1; // row 1, column 0
        var dst = new float[src.Length];
        ImageJitter.Apply(src, dst, 1, 3, 4, 2, 1, mirror: false);
        Assert.Equal(1, dst[2 * 4 + 2]);
        Assert.Equal(1, dst.Sum());
        ImageJitter.Apply(src, dst, 1, 3, 4, 0, 0, mirror: true);
        Assert.Equal(1, dst[1 * 4 + 3]);
        Assert.Equal(1, dst.Sum());
    }

    [Fact]
    public void Draws_cover_every_shift_in_range_and_mirror_about_half_the_time()
    {
        var rng = new Rng(9);
        var shifts = new HashSet<int>();
        var mirrored = 0;
        for (var i = 0; i < 4000; i++)
        {
            var (dx, dy, mirror) = ImageJitter.Draw(rng, 2, allowMirror: true);
            shifts.Add(dx);
            shifts.Add(dy);
            if (mirror) mirrored++;
        }
        Assert.Equal([-2, -1, 0, 1, 2], shifts.Order());
        Assert.InRange(mirrored, 1800, 2200);
        Assert.Equal((0, 0, false), ImageJitter.Draw(rng, 0, allowMirror: false));
    }

    [Fact]
    public void Refuses_buffers_of_the_wrong_size()
    {
        Assert.Throws<ArgumentException>(() => ImageJitter.Apply(new float[12], new float[11], 1, 3, 4, 0, 0, false));
    }
}
