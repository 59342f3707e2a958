using VaeWorkbench.Imaging.Tests.Support;
using VaeWorkbench.Imaging.Transforms;

namespace VaeWorkbench.Imaging.Tests;

public class TransformTests
{
    [Fact]
    public void Grey_uses_bt601_weights_and_rgb_replicates_grey()
    {
        var rgb = new Image(3, 1, 3, [255, 0, 0, 0, 255, 0, 10, 20, 30]);

        var grey = ColorConversion.ToGrey(rgb, Rgb.White);

        Assert.Equal(new byte[] { 76, 150, 18 }, grey.Pixels); // Pillow's "L" conversion gives the same
        Assert.Equal(new byte[] { 76, 76, 76, 150, 150, 150, 18, 18, 18 }, ColorConversion.ToRgb(grey, Rgb.White).Pixels);
    }

    [Fact]
    public void Alpha_is_composited_over_the_chosen_background()
    {
        var rgba = new Image(3, 1, 4, [200, 100, 0, 255, /**/ 200, 100, 0, 0, /**/ 200, 100, 0, 128]);

        Assert.Equal(new byte[] { 200, 100, 0, 255, 255, 255, 227, 177, 127 }, ColorConversion.CompositeOver(rgba, Rgb.White).Pixels);
        Assert.Equal(new byte[] { 200, 100, 0, 0, 0, 0, 100, 50, 0 }, ColorConversion.CompositeOver(rgba, Rgb.Black).Pixels);
        var greyAlpha = new Image(1, 1, 2, [100, 0]);
        Assert.Equal(new byte[] { 255 }, ColorConversion.ToGrey(greyAlpha, Rgb.White).Pixels);
    }

    [Fact]
    public void Rgba_expansion_repeats_grey_and_makes_missing_alpha_opaque()
    {
        Assert.Equal(new byte[] { 7, 7, 7, 255 }, ColorConversion.ToRgba(new Image(1, 1, 1, [7])).Pixels);
        Assert.Equal(new byte[] { 7, 7, 7, 9 }, ColorConversion.ToRgba(new Image(1, 1, 2, [7, 9])).Pixels);
        Assert.Equal(new byte[] { 1, 2, 3, 255 }, ColorConversion.ToRgba(new Image(1, 1, 3, [1, 2, 3])).Pixels);
    }

    [Fact]
    public void Shrinking_by_an_integer_factor_is_the_block_average()
    {
        var image = TestImages.Random(8, 6, 3, 1);

        var small = Resampler.Resize(image, 4, 3);

        for (var y = 0; y < 3; y++)
            for (var x = 0; x < 4; x++)
                for (var c = 0; c < 3; c++)
                {
                    var sum = 0;
                    for (var dy = 0; dy < 2; dy++)
                        for (var dx = 0; dx < 2; dx++) sum += image.Pixels[((2 * y + dy) * 8 + 2 * x + dx) * 3 + c];
                    Assert.InRange(small.Pixels[(y * 4 + x) * 3 + c], sum / 4.0 - 0.51, sum / 4.0 + 0.51);
                }
    }

    [Fact]
    public void Shrinking_by_a_fraction_weights_partial_pixels_by_area()
    {
        // 3 -> 2: output 0 covers source [0, 1.5): 1·p0 + 0.5·p1 over 1.5.
        var image = new Image(3, 1, 1, [0, 90, 180]);

        var small = Resampler.Resize(image, 2, 1);

        Assert.Equal(new byte[] { 30, 150 }, small.Pixels);
        Assert.All(Resampler.Weights(97, 28), w => Assert.Equal(1f, w.Sum(p => p.Weight), 4));
    }

    [Fact]
    public void Growing_is_bilinear_with_centred_pixels_and_clamped_edges()
    {
        var image = new Image(2, 1, 1, [0, 100]);

        var big = Resampler.Resize(image, 4, 1);

        // Output centres map to source x = -0.25 (clamped to 0), 0.25, 0.75, 1.25 (clamped to 1).
        Assert.Equal(new byte[] { 0, 25, 75, 100 }, big.Pixels);
    }

    [Fact]
    public void Constant_images_stay_constant_at_any_size()
    {
        var image = new Image(13, 7, 2, Enumerable.Repeat((byte)77, 13 * 7 * 2).ToArray());

        foreach (var (w, h) in new[] { (28, 28), (5, 3), (13, 30), (64, 2) })
            Assert.All(Resampler.Resize(image, w, h).Pixels, p => Assert.Equal(77, p));
    }

    [Fact]
    public void Crop_and_pad_make_centred_squares()
    {
        var wide = new Image(4, 2, 1, [1, 2, 3, 4, 5, 6, 7, 8]);

        Assert.Equal(new byte[] { 2, 3, 6, 7 }, SquareFit.CenterCrop(wide).Pixels);
        Assert.Equal(new byte[] { 9, 9, 9, 9, 1, 2, 3, 4, 5, 6, 7, 8, 9, 9, 9, 9 }, SquareFit.Pad(wide, new Rgb(9, 9, 9)).Pixels);
        var tallRgba = new Image(1, 2, 4, [1, 1, 1, 1, 2, 2, 2, 2]);
        // 1 column centred in 2 leaves the extra column on the right.
        Assert.Equal(new byte[] { 1, 1, 1, 1, 5, 6, 7, 255, 2, 2, 2, 2, 5, 6, 7, 255 }, SquareFit.Pad(tallRgba, new Rgb(5, 6, 7)).Pixels);
    }

    [Theory]
    [InlineData(28, 1, SquareMode.CenterCrop)]
    [InlineData(32, 3, SquareMode.Pad)]
    [InlineData(64, 3, SquareMode.CenterCrop)]
    public void Normalize_reaches_the_training_shape(int size, int channels, SquareMode mode)
    {
        var image = TestImages.Gradient(120, 45, 4);

        var normalized = ImageNormalizer.Normalize(image, new NormalizeOptions { Size = size, Channels = channels, SquareMode = mode });

        Assert.Equal((size, size, channels), (normalized.Width, normalized.Height, normalized.Channels));
    }

    [Fact]
    public void Tensor_conversion_is_channels_first_in_unit_range_and_round_trips()
    {
        var image = new Image(2, 1, 3, [0, 51, 255, 10, 20, 30]);

        var chw = TensorConversion.ToChw(image);

        Assert.Equal(new[] { 0f, 10 / 255f, 51 / 255f, 20 / 255f, 1f, 30 / 255f }, chw);
        Assert.Equal(image.Pixels, TensorConversion.FromChw(chw, 3, 1, 2).Pixels);
        var random = TestImages.Random(5, 4, 2, 3);
        Assert.Equal(random.Pixels, TensorConversion.FromChw(TensorConversion.ToChw(random), 2, 4, 5).Pixels);
    }

    [Fact]
    public void Tensor_values_outside_the_unit_range_or_nan_are_clamped()
    {
        var image = TensorConversion.FromChw([-0.5f, 1.7f, float.NaN, 0.5f], 1, 2, 2);

        Assert.Equal(new byte[] { 0, 255, 0, 128 }, image.Pixels);
        Assert.Throws<ArgumentException>(() => TensorConversion.FromChw(new float[5], 1, 2, 2));
    }

    [Fact]
    public void Vectorised_byte_quantising_matches_the_scalar_reference_for_every_tail_length()
    {
        var random = new Random(6);
        var special = new[] { float.NaN, -0f, 0f, 1f, -1f, 2f, float.PositiveInfinity, float.NegativeInfinity, 0.5f / 255f, 1.5f / 255f, 2.5f / 255f, 254.5f / 255f };
        for (var length = 0; length < 100; length++)
        {
            var source = Enumerable.Range(0, length).Select(i => i % 5 == 0 ? special[random.Next(special.Length)] : random.NextSingle() * 1.4f - 0.2f).ToArray();
            var expected = new byte[length];
            var actual = new byte[length];
            UnitFloatToByte.ConvertNaive(source, expected);
            UnitFloatToByte.Convert(source, actual);
            Assert.Equal(expected, actual);
        }
    }
}
