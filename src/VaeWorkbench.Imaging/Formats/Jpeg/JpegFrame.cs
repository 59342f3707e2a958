using System.Buffers;
using System.Runtime.InteropServices;

namespace VaeWorkbench.Imaging.Formats.Jpeg;

/// <summary>One colour component of a frame, with its coefficients once scans arrive.</summary>
internal sealed unsafe class JpegComponent
{
    public required int Id { get; init; }

    public required int Index { get; init; }

    public required int H { get; init; }

    public required int V { get; init; }

    public required int QuantTableId { get; init; }

    /// <summary>Samples per row and rows of this component (libjpeg's downsampled_width/height).</summary>
    public int Width { get; set; }

    public int Height { get; set; }

    /// <summary>Blocks that hold image samples: what a non-interleaved scan codes.</summary>
    public int BlocksPerLine { get; set; }

    public int BlocksPerColumn { get; set; }

    /// <summary>Blocks padded out to whole MCUs: what an interleaved scan codes, and the coefficient array's layout.</summary>
    public int BlocksPerLineAllocated { get; set; }

    public int BlocksPerColumnAllocated { get; set; }

    /// <summary>
    /// 64 coefficients per block, natural (row-major) order, in rows of BlocksPerLineAllocated blocks; null until the
    /// first scan. The array is rented from the shared pool and pinned, so repeated decodes (dataset imports) reuse
    /// it instead of allocating megabytes on the large-object heap each time. Returned by <see cref="JpegFrame.Dispose"/>.
    /// </summary>
    public short* CoefficientData { get; private set; }

    private short[]? _rented;
    private GCHandle _pin;

    public void AllocateCoefficients(int count)
    {
        _rented = ArrayPool<short>.Shared.Rent(count);
        Array.Clear(_rented, 0, count);
        _pin = GCHandle.Alloc(_rented, GCHandleType.Pinned);
        CoefficientData = (short*)_pin.AddrOfPinnedObject();
    }

    public void FreeCoefficients()
    {
        if (_rented is null) return;
        CoefficientData = null;
        _pin.Free();
        ArrayPool<short>.Shared.Return(_rented);
        _rented = null;
    }

    /// <summary>Quantization table latched when the component first appears in a scan (as libjpeg does).</summary>
    public ushort[]? Quant { get; set; }

    // Per-scan state.
    public JpegHuffmanTable? DcTable { get; set; }

    public JpegHuffmanTable? AcTable { get; set; }

    public int DcPredictor { get; set; }
}

/// <summary>The SOF header: dimensions, components and sampling, with the derived MCU geometry.</summary>
internal sealed unsafe class JpegFrame : IDisposable
{
    public JpegFrame(bool progressive, int width, int height, JpegComponent[] components)
    {
        Progressive = progressive;
        Width = width;
        Height = height;
        Components = components;
        MaxH = components.Max(c => c.H);
        MaxV = components.Max(c => c.V);
        McusPerLine = DivCeil(width, 8 * MaxH);
        McusPerColumn = DivCeil(height, 8 * MaxV);
        foreach (var c in components)
        {
            c.Width = DivCeil(width * c.H, MaxH);
            c.Height = DivCeil(height * c.V, MaxV);
            c.BlocksPerLine = DivCeil(c.Width, 8);
            c.BlocksPerColumn = DivCeil(c.Height, 8);
            c.BlocksPerLineAllocated = McusPerLine * c.H;
            c.BlocksPerColumnAllocated = McusPerColumn * c.V;
        }
    }

    public bool Progressive { get; }

    public int Width { get; }

    public int Height { get; }

    public JpegComponent[] Components { get; }

    public int MaxH { get; }

    public int MaxV { get; }

    public int McusPerLine { get; }

    public int McusPerColumn { get; }

    /// <summary>Allocates coefficient storage, on the first scan rather than at SOF so a lying header costs nothing.</summary>
    public void AllocateCoefficients()
    {
        foreach (var c in Components)
        {
            if (c.CoefficientData != null) continue;
            long count = (long)c.BlocksPerLineAllocated * c.BlocksPerColumnAllocated * 64;
            if (count > Array.MaxLength)
                throw new InvalidImageException($"JPEG component {c.Id} needs {count} coefficients, too many to hold");
            c.AllocateCoefficients((int)count);
        }
    }

    /// <summary>Returns the components' coefficient memory; the decoder calls it whether or not decoding succeeded.</summary>
    public void Dispose()
    {
        foreach (var c in Components) c.FreeCoefficients();
    }

    public static int DivCeil(int a, int b) => (int)(((long)a + b - 1) / b);
}
