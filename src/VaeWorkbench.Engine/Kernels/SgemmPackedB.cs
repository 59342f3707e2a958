namespace VaeWorkbench.Engine.Kernels;

/// <summary>
/// op(B) packed once, whole, into the micro-panel layout the GEMM driver would otherwise build on every call: for
/// each KC block of k, ceil(N / NR) panels of kc×NR values, the last one zero-padded. For a B that many calls share
/// unchanged (a layer's weight at inference), packing it was a tenth of the product's time and a stream of its
/// megabytes through the cache per call (perf: <c>SgemmTranspose.Transpose16</c> at 4% of a conv generation run).
/// Products with it give the same bits as with the unpacked B: the same panels meet the same kernels in the same order.
/// The storage is pinned and 64-byte aligned.
/// </summary>
public sealed unsafe class SgemmPackedB
{
    private readonly Memory<float> _panels;
    private readonly float* _start;

    internal SgemmPackedB(SgemmIsa isa, bool transB, int n, int k, ReadOnlySpan<float> b, int ldb)
    {
        (Isa, N, K) = (isa, n, k);
        var nr = SgemmMicroKernels.TileColumns(isa);
        PanelCount = (n + nr - 1) / nr;
        _panels = AlignedBuffer.Allocate(PanelCount * nr * k + TransposeOverrun);
        fixed (float* source = b)
        {
            _start = (float*)System.Runtime.CompilerServices.Unsafe.AsPointer(ref _panels.Span[0]); // pinned: stays put
            for (var pc = 0; pc < k; pc += SgemmDriver.KC)
            {
                var kc = Math.Min(SgemmDriver.KC, k - pc);
                var at = transB ? source + pc : source + (nint)pc * ldb; // op(B)[pc, 0]
                SgemmPacking.PackB(transB, at, ldb, kc, n, Panel(pc, 0), nr);
            }
        }
    }

    // Packing a transposed B writes up to 16 floats past its last panel (SgemmTranspose); SgemmPackBuffers has the same slack.
    private const int TransposeOverrun = 64;

    internal SgemmIsa Isa { get; }
    public int N { get; }
    public int K { get; }
    private int PanelCount { get; }

    /// <summary>The packed panel of k block <paramref name="pc"/> that starts at <paramref name="column"/> (a multiple of NR).</summary>
    internal float* Panel(int pc, int column)
    {
        var nr = SgemmMicroKernels.TileColumns(Isa);
        var kc = Math.Min(SgemmDriver.KC, K - pc);
        return _start + (nint)pc * PanelCount * nr + (nint)(column / nr) * kc * nr;
    }
}
