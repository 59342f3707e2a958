using System.Buffers;

namespace VaeWorkbench.Imaging.Formats.Jpeg;

/// <summary>
/// Turns decoded coefficients into the output raster: inverse DCT of every block into per-component sample planes,
/// then upsampling and colour conversion row by row.
/// </summary>
internal static unsafe class JpegPixelWriter
{
    public static Image Write(JpegFrame frame, JpegColorSpace colorSpace)
    {
        var components = frame.Components;
        var planes = new byte[components.Length][];
        try
        {
            var upsamplers = new JpegUpsampler[components.Length];
            for (int i = 0; i < components.Length; i++)
            {
                var c = components[i];
                int stride = c.BlocksPerLine * 8;
                planes[i] = InverseTransform(c, stride);
                upsamplers[i] = new JpegUpsampler(planes[i], stride, c.Width, c.Height, frame.MaxH / c.H, frame.MaxV / c.V);
            }

            return Assemble(frame, colorSpace, upsamplers);
        }
        finally
        {
            foreach (var plane in planes)
            {
                if (plane is not null) ArrayPool<byte>.Shared.Return(plane);
            }
        }
    }

    /// <summary>Upsamples and colour-converts the planes into the output raster, row by row.</summary>
    private static Image Assemble(JpegFrame frame, JpegColorSpace colorSpace, JpegUpsampler[] upsamplers)
    {
        var components = frame.Components;
        int width = frame.Width;
        int height = frame.Height;
        int channels = components.Length == 1 ? 1 : 3;
        long size = (long)width * height * channels;
        if (size > Array.MaxLength) throw new InvalidImageException($"JPEG image of {width}x{height}x{channels} is too large to hold in memory");
        // Every sample is written below, so the array need not be zeroed first.
        var pixels = GC.AllocateUninitializedArray<byte>((int)size);
        if (channels == 1)
        {
            var rowBuffer = new byte[upsamplers[0].OutputLength];
            for (int y = 0; y < height; y++)
                upsamplers[0].Row(y, rowBuffer)[..width].CopyTo(pixels.AsSpan(y * width, width));
            return new Image(width, height, 1, pixels);
        }

        var buffers = new byte[3][];
        for (int i = 0; i < 3; i++) buffers[i] = new byte[upsamplers[i].OutputLength];
        for (int y = 0; y < height; y++)
        {
            var first = upsamplers[0].Row(y, buffers[0]);
            var second = upsamplers[1].Row(y, buffers[1]);
            var third = upsamplers[2].Row(y, buffers[2]);
            var output = pixels.AsSpan(y * width * 3, width * 3);
            if (colorSpace == JpegColorSpace.Rgb)
                JpegColorConverter.Interleave(first, second, third, output);
            else
                JpegColorConverter.YCbCrToRgb(first, second, third, output);
        }

        return new Image(width, height, 3, pixels);
    }

    /// <summary>
    /// Inverse-transforms the blocks that hold image samples into a plane of <paramref name="stride"/> bytes per row,
    /// rented from the shared pool (the caller returns it); the IDCT writes every byte that is read later.
    /// </summary>
    private static byte[] InverseTransform(JpegComponent component, int stride)
    {
        var plane = ArrayPool<byte>.Shared.Rent(stride * component.BlocksPerColumn * 8);
        short* coefficients = component.CoefficientData;
        fixed (ushort* quant = component.Quant)
        fixed (byte* output = plane)
        {
            for (int row = 0; row < component.BlocksPerColumn; row++)
            {
                short* block = coefficients + (long)row * component.BlocksPerLineAllocated * 64;
                byte* target = output + (long)row * 8 * stride;
                if (JpegIdctVector.IsSupported)
                {
                    for (int column = 0; column < component.BlocksPerLine; column++)
                        JpegIdctVector.Transform(block + column * 64, quant, target + column * 8, stride);
                }
                else
                {
                    for (int column = 0; column < component.BlocksPerLine; column++)
                        JpegIdct.Transform(block + column * 64, quant, target + column * 8, stride);
                }
            }
        }

        return plane;
    }
}

/// <summary>How the three components of a colour JPEG are to be read.</summary>
internal enum JpegColorSpace
{
    Grey,
    YCbCr,
    Rgb,
}
