namespace VaeWorkbench.Engine.Kernels;

/// <summary>
/// One thread's packing space for the blocked GEMM: a packed block of A (at most MC×KC), a packed block of B
/// (at most KC×NC) and one edge tile. Kept per thread on the pinned heap (so it is collected with the thread),
/// 64-byte aligned, and grown only when a call needs more than the last one, so the small GEMMs of training
/// allocate once and never hold the multi-megabyte worst case.
/// </summary>
internal sealed unsafe class SgemmPackBuffers
{
    [ThreadStatic]
    private static SgemmPackBuffers? t_current;

    private const int Alignment = 64;
    private const int MaxTile = 64; // bound on any kernel's MR and NR, also covers the 16-float overrun of SgemmTranspose

    private readonly Memory<float> _storage;

    private SgemmPackBuffers(int aLength, int bLength)
    {
        (ALength, BLength) = (aLength, bLength);
        const int tileLength = MaxTile * MaxTile;
        _storage = AlignedBuffer.Allocate(aLength + bLength + tileLength + 2 * Alignment);
        // Pinned-heap arrays never move, so these pointers stay valid for the life of the array.
        A = (float*)System.Runtime.CompilerServices.Unsafe.AsPointer(ref _storage.Span[0]);
        B = A + aLength + Alignment;
        Tile = B + bLength + Alignment;
    }

    public int ALength { get; }

    public int BLength { get; }

    public float* A { get; }

    public float* B { get; }

    public float* Tile { get; }

    /// <summary>This thread's buffers, large enough for packing up to <paramref name="rows"/>×<paramref name="depth"/> of A and <paramref name="depth"/>×<paramref name="columns"/> of B.</summary>
    public static SgemmPackBuffers ForCurrentThread(int rows, int depth, int columns)
    {
        // Whole multiples of 64 floats, with a tile of padding for panels rounded up to MR or NR.
        var aLength = RoundUp((Math.Min(rows, SgemmDriver.MC) + MaxTile) * Math.Min(depth, SgemmDriver.KC));
        var bLength = RoundUp((Math.Min(columns, SgemmDriver.NC) + MaxTile) * Math.Min(depth, SgemmDriver.KC));
        var current = t_current;
        if (current is null || current.ALength < aLength || current.BLength < bLength)
        {
            current = new SgemmPackBuffers(Math.Max(aLength, current?.ALength ?? 0), Math.Max(bLength, current?.BLength ?? 0));
            t_current = current;
        }

        return current;
    }

    private static int RoundUp(int length) => (length + Alignment - 1) / Alignment * Alignment;
}
