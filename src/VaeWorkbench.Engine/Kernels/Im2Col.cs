namespace VaeWorkbench.Engine.Kernels;

/// <summary>
/// Patch extraction for convolutions on channels-last (B, H, W, C) images. A patch row for one kernel row is a
/// contiguous run of KernelW·C values in the image, so the fast path copies whole runs and only the padded border
/// goes element by element. Images are independent, so threads split the batch (deterministic).
/// </summary>
internal static class Im2Col
{
    // image:(B,H,W,C) -> col:(B·GridH·GridW, KernelH·KernelW·C)
    public static void Extract(ConvGeometry g, ReadOnlySpan<float> image, Span<float> col, int batch, int threads)
    {
        unsafe
        {
            fixed (float* pImage = image)
            fixed (float* pCol = col)
            {
                var (src, dst) = ((nint)pImage, (nint)pCol);
                Parallelism.For(batch, threads, 1, (b0, b1) =>
                {
                    for (var b = b0; b < b1; b++)
                        ExtractImage(g, new ReadOnlySpan<float>((float*)src + (long)b * g.ImageSize, g.ImageSize),
                            new Span<float>((float*)dst + (long)b * g.Patches * g.PatchSize, g.Patches * g.PatchSize));
                });
            }
        }
    }

    // col:(B·GridH·GridW, KernelH·KernelW·C) -> image:(B,H,W,C), overwriting the image with the sum of overlapping patches
    public static void Accumulate(ConvGeometry g, ReadOnlySpan<float> col, Span<float> image, int batch, int threads)
    {
        unsafe
        {
            fixed (float* pImage = image)
            fixed (float* pCol = col)
            {
                var (dst, src) = ((nint)pImage, (nint)pCol);
                Parallelism.For(batch, threads, 1, (b0, b1) =>
                {
                    for (var b = b0; b < b1; b++)
                        AccumulateImage(g, new ReadOnlySpan<float>((float*)src + (long)b * g.Patches * g.PatchSize, g.Patches * g.PatchSize),
                            new Span<float>((float*)dst + (long)b * g.ImageSize, g.ImageSize));
                });
            }
        }
    }

    private static void ExtractImage(ConvGeometry g, ReadOnlySpan<float> image, Span<float> col)
    {
        var run = g.KernelW * g.Channels;
        var rowStride = g.ImageW * g.Channels;
        var p = 0;
        for (var oh = 0; oh < g.GridH; oh++)
        {
            for (var ow = 0; ow < g.GridW; ow++, p++)
            {
                var patch = col.Slice(p * g.PatchSize, g.PatchSize);
                var iw0 = ow * g.Stride - g.Padding;
                var inside = iw0 >= 0 && iw0 + g.KernelW <= g.ImageW;
                for (var kh = 0; kh < g.KernelH; kh++)
                {
                    var ih = oh * g.Stride - g.Padding + kh;
                    var dst = patch.Slice(kh * run, run);
                    if ((uint)ih >= (uint)g.ImageH)
                    {
                        dst.Clear();
                    }
                    else if (inside)
                    {
                        image.Slice(ih * rowStride + iw0 * g.Channels, run).CopyTo(dst);
                    }
                    else
                    {
                        for (var kw = 0; kw < g.KernelW; kw++)
                        {
                            var iw = iw0 + kw;
                            var cell = dst.Slice(kw * g.Channels, g.Channels);
                            if ((uint)iw >= (uint)g.ImageW) cell.Clear();
                            else image.Slice(ih * rowStride + iw * g.Channels, g.Channels).CopyTo(cell);
                        }
                    }
                }
            }
        }
    }

    private static void AccumulateImage(ConvGeometry g, ReadOnlySpan<float> col, Span<float> image)
    {
        image.Clear();
        var run = g.KernelW * g.Channels;
        var rowStride = g.ImageW * g.Channels;
        var p = 0;
        for (var oh = 0; oh < g.GridH; oh++)
        {
            for (var ow = 0; ow < g.GridW; ow++, p++)
            {
                var patch = col.Slice(p * g.PatchSize, g.PatchSize);
                var iw0 = ow * g.Stride - g.Padding;
                var inside = iw0 >= 0 && iw0 + g.KernelW <= g.ImageW;
                for (var kh = 0; kh < g.KernelH; kh++)
                {
                    var ih = oh * g.Stride - g.Padding + kh;
                    if ((uint)ih >= (uint)g.ImageH) continue;
                    var src = patch.Slice(kh * run, run);
                    if (inside)
                    {
                        var dst = image.Slice(ih * rowStride + iw0 * g.Channels, run);
                        System.Numerics.Tensors.TensorPrimitives.Add(dst, src, dst);
                    }
                    else
                    {
                        for (var kw = 0; kw < g.KernelW; kw++)
                        {
                            var iw = iw0 + kw;
                            if ((uint)iw >= (uint)g.ImageW) continue;
                            var dst = image.Slice(ih * rowStride + iw * g.Channels, g.Channels);
                            System.Numerics.Tensors.TensorPrimitives.Add(dst, src.Slice(kw * g.Channels, g.Channels), dst);
                        }
                    }
                }
            }
        }
    }

    /// <summary>The element-by-element definition the fast paths are tested against.</summary>
    public static void ExtractNaive(ConvGeometry g, ReadOnlySpan<float> image, Span<float> col, int batch)
    {
        for (var b = 0; b < batch; b++)
        for (var oh = 0; oh < g.GridH; oh++)
        for (var ow = 0; ow < g.GridW; ow++)
        for (var kh = 0; kh < g.KernelH; kh++)
        for (var kw = 0; kw < g.KernelW; kw++)
        for (var c = 0; c < g.Channels; c++)
        {
            var ih = oh * g.Stride - g.Padding + kh;
            var iw = ow * g.Stride - g.Padding + kw;
            var row = (b * g.GridH + oh) * g.GridW + ow;
            var column = (kh * g.KernelW + kw) * g.Channels + c;
            col[row * g.PatchSize + column] = ih >= 0 && ih < g.ImageH && iw >= 0 && iw < g.ImageW
                ? image[b * g.ImageSize + (ih * g.ImageW + iw) * g.Channels + c]
                : 0f;
        }
    }

    public static void AccumulateNaive(ConvGeometry g, ReadOnlySpan<float> col, Span<float> image, int batch)
    {
        image[..(batch * g.ImageSize)].Clear();
        for (var b = 0; b < batch; b++)
        for (var oh = 0; oh < g.GridH; oh++)
        for (var ow = 0; ow < g.GridW; ow++)
        for (var kh = 0; kh < g.KernelH; kh++)
        for (var kw = 0; kw < g.KernelW; kw++)
        for (var c = 0; c < g.Channels; c++)
        {
            var ih = oh * g.Stride - g.Padding + kh;
            var iw = ow * g.Stride - g.Padding + kw;
            if (ih < 0 || ih >= g.ImageH || iw < 0 || iw >= g.ImageW) continue;
            var row = (b * g.GridH + oh) * g.GridW + ow;
            image[b * g.ImageSize + (ih * g.ImageW + iw) * g.Channels + c] += col[row * g.PatchSize + (kh * g.KernelW + kw) * g.Channels + c];
        }
    }
}
