namespace VaeWorkbench.Engine.Kernels;

/// <summary>
/// One thread's packing space for the blocked GEMM: a packed MC×KC block of A, a packed KC×NC block of B and one
/// edge tile. Allocated once per thread on the pinned heap (so it is collected with the thread), 64-byte aligned.
/// </summary>
internal sealed unsafe class SgemmPackBuffers
{
    [ThreadStatic]
    private static SgemmPackBuffers? t_current;

    private const int Alignment = 64;
    private const int MaxTile = 64; // widest micro-tile (NR) and tallest (MR) any kernel uses, as a safe bound
    private readonly float[] _storage;

    private SgemmPackBuffers()
    {
        const int aLength = (SgemmDriver.MC + MaxTile) * SgemmDriver.KC;
        const int bLength = SgemmDriver.KC * (SgemmDriver.NC + MaxTile);
        const int tileLength = MaxTile * MaxTile;
        _storage = GC.AllocateUninitializedArray<float>(aLength + bLength + tileLength + 3 * Alignment, pinned: true);
        fixed (float* start = _storage)
        {
            // Pinned-heap arrays never move, so these pointers stay valid for the life of the array.
            var aligned = (float*)(((nint)start + Alignment - 1) & ~(nint)(Alignment - 1));
            A = aligned;
            B = A + aLength + Alignment;
            Tile = B + bLength + Alignment;
        }
    }

    public float* A { get; }

    public float* B { get; }

    public float* Tile { get; }

    public static SgemmPackBuffers ForCurrentThread() => t_current ??= new SgemmPackBuffers();
}
