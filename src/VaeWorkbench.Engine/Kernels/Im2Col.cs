using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

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

    // One image: image:(H,W,C) -> col:(GridH·GridW, KernelH·KernelW·C). Refs instead of span slices, because for a
    // grey image a run is 4 floats and slicing overhead would cost more than the copy.
    private static void ExtractImage(ConvGeometry g, ReadOnlySpan<float> image, Span<float> col)
    {
        if (col.Length < g.Patches * g.PatchSize || image.Length < g.ImageSize) throw new ArgumentException("im2col buffers are too small");
        ref var img = ref MemoryMarshal.GetReference(image);
        ref var dst = ref MemoryMarshal.GetReference(col);
        var run = g.KernelW * g.Channels;
        var rowStride = g.ImageW * g.Channels;
        var p = 0;
        for (var oh = 0; oh < g.GridH; oh++)
        {
            for (var ow = 0; ow < g.GridW; ow++, p++)
            {
                var iw0 = ow * g.Stride - g.Padding;
                var inside = iw0 >= 0 && iw0 + g.KernelW <= g.ImageW;
                for (var kh = 0; kh < g.KernelH; kh++)
                {
                    var ih = oh * g.Stride - g.Padding + kh;
                    ref var patchRow = ref Unsafe.Add(ref dst, p * g.PatchSize + kh * run);
                    if ((uint)ih >= (uint)g.ImageH)
                    {
                        Fill(ref patchRow, run, 0f);
                    }
                    else if (inside)
                    {
                        Copy(ref Unsafe.Add(ref img, ih * rowStride + iw0 * g.Channels), ref patchRow, run);
                    }
                    else
                    {
                        for (var kw = 0; kw < g.KernelW; kw++)
                        {
                            var iw = iw0 + kw;
                            ref var cell = ref Unsafe.Add(ref patchRow, kw * g.Channels);
                            if ((uint)iw >= (uint)g.ImageW) Fill(ref cell, g.Channels, 0f);
                            else Copy(ref Unsafe.Add(ref img, ih * rowStride + iw * g.Channels), ref cell, g.Channels);
                        }
                    }
                }
            }
        }
    }

    // One image: col:(GridH·GridW, KernelH·KernelW·C) -> image:(H,W,C), overwritten with the sum of overlapping patches
    private static void AccumulateImage(ConvGeometry g, ReadOnlySpan<float> col, Span<float> image)
    {
        if (col.Length < g.Patches * g.PatchSize || image.Length < g.ImageSize) throw new ArgumentException("col2im buffers are too small");
        image[..g.ImageSize].Clear();
        ref var src = ref MemoryMarshal.GetReference(col);
        ref var img = ref MemoryMarshal.GetReference(image);
        var run = g.KernelW * g.Channels;
        var rowStride = g.ImageW * g.Channels;
        var p = 0;
        for (var oh = 0; oh < g.GridH; oh++)
        {
            for (var ow = 0; ow < g.GridW; ow++, p++)
            {
                var iw0 = ow * g.Stride - g.Padding;
                var inside = iw0 >= 0 && iw0 + g.KernelW <= g.ImageW;
                for (var kh = 0; kh < g.KernelH; kh++)
                {
                    var ih = oh * g.Stride - g.Padding + kh;
                    if ((uint)ih >= (uint)g.ImageH) continue;
                    ref var patchRow = ref Unsafe.Add(ref src, p * g.PatchSize + kh * run);
                    if (inside)
                    {
                        Add(ref patchRow, ref Unsafe.Add(ref img, ih * rowStride + iw0 * g.Channels), run);
                    }
                    else
                    {
                        for (var kw = 0; kw < g.KernelW; kw++)
                        {
                            var iw = iw0 + kw;
                            if ((uint)iw >= (uint)g.ImageW) continue;
                            Add(ref Unsafe.Add(ref patchRow, kw * g.Channels), ref Unsafe.Add(ref img, ih * rowStride + iw * g.Channels), g.Channels);
                        }
                    }
                }
            }
        }
    }

    // Runs of one grey pixel row (4 floats for a k4 kernel) are too short for a memmove or vector call to pay off.
    private const int ShortRun = 16;

    private static void Copy(ref float source, ref float destination, int count)
    {
        if (count == 4)
        {
            Vector128.StoreUnsafe(Vector128.LoadUnsafe(ref source), ref destination);
            return;
        }
        if (count >= ShortRun)
        {
            MemoryMarshal.CreateReadOnlySpan(ref source, count).CopyTo(MemoryMarshal.CreateSpan(ref destination, count));
            return;
        }
        for (var i = 0; i < count; i++) Unsafe.Add(ref destination, i) = Unsafe.Add(ref source, i);
    }

    private static void Fill(ref float destination, int count, float value)
    {
        for (var i = 0; i < count; i++) Unsafe.Add(ref destination, i) = value;
    }

    // destination += source
    private static void Add(ref float source, ref float destination, int count)
    {
        if (count == 4)
        {
            (Vector128.LoadUnsafe(ref destination) + Vector128.LoadUnsafe(ref source)).StoreUnsafe(ref destination);
            return;
        }
        if (count >= ShortRun)
        {
            var d = MemoryMarshal.CreateSpan(ref destination, count);
            ElementWise.Map(new AddKernel(), d, MemoryMarshal.CreateReadOnlySpan(ref source, count), d);
            return;
        }
        for (var i = 0; i < count; i++) Unsafe.Add(ref destination, i) += Unsafe.Add(ref source, i);
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
