using System.Runtime.CompilerServices;

namespace VaeWorkbench.Engine.Kernels;

/// <summary>One GEMM call with its operands pinned: C = alpha · op(A) · op(B) + beta · C, row-major, strides in elements.</summary>
internal readonly unsafe struct SgemmProblem
{
    public readonly bool TransA, TransB;
    public readonly int M, N, K;
    public readonly float Alpha, Beta;
    public readonly float* A, B, C;
    public readonly nint Lda, Ldb, Ldc;
    public readonly SgemmIsa Isa;
    public readonly SgemmPackedB? PackedB; // when set, B's panels come from here and B, Ldb are unused

    public SgemmProblem(bool transA, bool transB, int m, int n, int k, float alpha, float* a, int lda, float* b, int ldb,
        float beta, float* c, int ldc, SgemmIsa isa, SgemmPackedB? packedB = null)
    {
        PackedB = packedB;
        (TransA, TransB, M, N, K, Alpha, Beta) = (transA, transB, m, n, k, alpha, beta);
        A = a;
        B = b;
        C = c;
        (Lda, Ldb, Ldc, Isa) = (lda, ldb, ldc, isa);
    }

    // Address of op(A)[row, depth] and op(B)[depth, column] in the stored matrices.
    public float* AAt(int row, int depth) => TransA ? A + depth * Lda + row : A + row * Lda + depth;

    public float* BAt(int depth, int column) => TransB ? B + column * Ldb + depth : B + depth * Ldb + column;
}

/// <summary>
/// The cache-blocked GEMM loops (Goto/BLIS order) over one rectangle of C, plus the static split of C between threads.
/// Every C tile is computed by the same sequence of kc blocks and the same micro-kernel whichever thread owns it, so the
/// result bits do not depend on the thread count or on scheduling.
/// </summary>
internal static unsafe class SgemmDriver
{
    // Blocking for Zen 5 (48 KiB L1d, 1 MiB L2 per core): the kernel sweeps an MC×KC block of A (288 KiB) held in L2
    // against one KC×NR B micro-panel (64 KiB, L1/L2); the KC×NC block of B lives in L2/L3. Measured on the 2-core
    // Zen 5 box (GFLOP per CPU-second, best of several runs): KC 512 beat 256 and 192 by 5-10% (fewer passes over C),
    // MC between 96 and 288 made no visible difference.
    public const int KC = 512;
    public const int MC = 144; // a multiple of every kernel's MR (12, 6, 4), so only the last block of M has edge tiles
    public const int NC = 2048;

    /// <summary>Up to this many rows of C and this row stride of B, B panels are read in place (see RunRectangle).</summary>
    private const int MaxRowsForInPlaceB = 512, MaxStrideForInPlaceB = 2048;

    /// <summary>Below this many flops per thread, splitting costs more in fork-join than it saves.</summary>
    private const long MinFlopsPerThread = 1L << 21;

    /// <summary>The most parts a call is split into, whatever `threads` asks for.</summary>
    public const int MaxThreads = 64;

    /// <summary>Rough cost of packing one float, in multiply-adds, for choosing which operand the threads share.</summary>
    private const long PackCostInFmas = 16;

    public static void Run(in SgemmProblem problem, int threads)
    {
        var split = SgemmSplit.Choose(problem.TransA, problem.TransB, problem.PackedB is not null, problem.M, problem.N, problem.K, problem.Isa, threads);
        if (split.Parts == 1)
        {
            RunRectangle(problem, 0, problem.M, 0, problem.N);
            return;
        }

        var job = SgemmParallelJob.Rent(problem, split);
        if (!SgemmWorkerPool.Shared.TryRun(split.Parts, job))
        {
            // Another thread's GEMM holds the pool: run the same parts here.
            for (var part = 0; part < split.Parts; part++)
            {
                job.RunPart(part);
            }
        }

        SgemmParallelJob.Return(job);
    }

    /// <summary>C[r0:r1, c0:c1] = alpha · op(A)[r0:r1, :] · op(B)[:, c0:c1] + beta · C[r0:r1, c0:c1].</summary>
    public static void RunRectangle(in SgemmProblem p, int r0, int r1, int c0, int c1)
    {
        var mr = SgemmMicroKernels.TileRows(p.Isa);
        var nr = SgemmMicroKernels.TileColumns(p.Isa);
        var buffers = SgemmPackBuffers.ForCurrentThread(r1 - r0, p.K, c1 - c0);

        // An operand already stored with each k step's MR (or NR) values contiguous (A transposed, B not) can be
        // read in place with its leading dimension as the panel stride; only its last, partial panel is packed (with
        // zero padding), so the kernel never reads past the matrix. Same products in the same order either way.
        // Measured here: in-place A was never slower (and 1.7x faster at lda = 6272); in-place B saves ~10% when few
        // rows reuse each B panel (M = 128 in training), but loses a little at M = 1024, where packing is amortised,
        // and ~10% when ldb is large (6272: every k step of a panel lands on a new page).
        var aInPlace = AReadInPlace(p.TransA);
        var bInPlace = p.PackedB is null && BReadInPlace(p.TransB, r1 - r0, p.Ldb);
        for (var jc = c0; jc < c1; jc += NC)
        {
            var nc = Math.Min(NC, c1 - jc);
            var fullColumns = bInPlace ? nc / nr * nr : 0;
            for (var pc = 0; pc < p.K; pc += KC)
            {
                var kc = Math.Min(KC, p.K - pc);
                var beta = pc == 0 ? p.Beta : 1f; // later k blocks accumulate onto the first one's result
                if (p.PackedB is null) SgemmPacking.PackB(p.TransB, p.BAt(pc, jc + fullColumns), p.Ldb, kc, nc - fullColumns, buffers.B + fullColumns * kc, nr);
                for (var ic = r0; ic < r1; ic += MC)
                {
                    var mc = Math.Min(MC, r1 - ic);
                    var fullRows = aInPlace ? mc / mr * mr : 0;
                    SgemmPacking.PackA(p.TransA, p.AAt(ic + fullRows, pc), p.Lda, mc - fullRows, kc, buffers.A + fullRows * kc, mr);
                    var block = new Block(ic, mc, fullRows, jc, nc, fullColumns, pc, kc, beta);
                    MacroKernel(p, block, buffers);
                }
            }
        }
    }

    // Test hook: false packs every panel, to check the in-place reads against the packed path.
    internal static bool ReadInPlace { get; set; } = true;

    private static bool AReadInPlace(bool transA) => transA && ReadInPlace;

    private static bool BReadInPlace(bool transB, int rows, nint ldb) =>
        !transB && ReadInPlace && rows <= MaxRowsForInPlaceB && ldb <= MaxStrideForInPlaceB;

    /// <summary>One MC×NC×KC block: where it sits, and how many of its rows/columns are read in place rather than packed.</summary>
    private readonly record struct Block(int Ic, int Mc, int InPlaceRows, int Jc, int Nc, int InPlaceColumns, int Pc, int Kc, float Beta);

    // The block's A panels times its B panels into C, one MR×NR tile at a time: each B panel stays in cache
    // while every A panel of the block passes over it. Hot loops are compiled fully optimised on first use: tiered
    // JIT would otherwise run the first calls of a training run (and of each benchmark) through tier-0 loops.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MacroKernel(in SgemmProblem p, in Block block, SgemmPackBuffers buffers)
    {
        var mr = SgemmMicroKernels.TileRows(p.Isa);
        var nr = SgemmMicroKernels.TileColumns(p.Isa);
        var half = SgemmMicroKernels.HalfTileColumns(p.Isa);
        var kc = block.Kc;
        for (var jr = 0; jr < block.Nc; jr += nr)
        {
            var cols = Math.Min(nr, block.Nc - jr);
            var bInPlace = jr < block.InPlaceColumns;
            var panelB = p.PackedB is { } packed ? packed.Panel(block.Pc, block.Jc + jr) : bInPlace ? p.BAt(block.Pc, block.Jc + jr) : buffers.B + jr * kc;
            var strideB = bInPlace ? p.Ldb : nr;
            for (var ir = 0; ir < block.Mc; ir += mr)
            {
                var rows = Math.Min(mr, block.Mc - ir);
                var aInPlace = ir < block.InPlaceRows;
                var panelA = aInPlace ? p.AAt(block.Ic + ir, block.Pc) : buffers.A + ir * kc;
                var strideA = aInPlace ? p.Lda : mr;
                var target = p.C + (block.Ic + ir) * p.Ldc + block.Jc + jr;
                if (cols <= half)
                {
                    if (rows == mr && cols == half)
                    {
                        SgemmMicroKernels.RunHalf(p.Isa, kc, panelA, strideA, panelB, strideB, target, p.Ldc, p.Alpha, block.Beta);
                    }
                    else
                    {
                        SgemmMicroKernels.RunHalf(p.Isa, kc, panelA, strideA, panelB, strideB, buffers.Tile, nr, 1f, 0f);
                        MergeEdge(buffers.Tile, nr, rows, cols, target, p.Ldc, p.Alpha, block.Beta);
                    }
                }
                else if (rows == mr && cols == nr)
                {
                    SgemmMicroKernels.Run(p.Isa, kc, panelA, strideA, panelB, strideB, target, p.Ldc, p.Alpha, block.Beta);
                }
                else
                {
                    // Edge tile: compute the whole padded tile aside, then write back only what exists.
                    SgemmMicroKernels.Run(p.Isa, kc, panelA, strideA, panelB, strideB, buffers.Tile, nr, 1f, 0f);
                    MergeEdge(buffers.Tile, nr, rows, cols, target, p.Ldc, p.Alpha, block.Beta);
                }
            }
        }
    }

    /// <summary>C = beta · C for the degenerate cases (k = 0 or alpha = 0) where op(A)·op(B) contributes nothing.</summary>
    public static void ScaleOnly(float* c, nint ldc, int m, int n, float beta)
    {
        for (var i = 0; i < m; i++)
        {
            var row = new Span<float>(c + i * ldc, n);
            if (beta == 0)
            {
                row.Clear(); // never read: C may hold NaN
            }
            else if (beta != 1)
            {
                System.Numerics.Tensors.TensorPrimitives.Multiply(row, beta, row);
            }
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void MergeEdge(float* tile, int tileStride, int rows, int cols, float* c, nint ldc, float alpha, float beta)
    {
        for (var i = 0; i < rows; i++, tile += tileStride, c += ldc)
        {
            for (var j = 0; j < cols; j++)
            {
                c[j] = beta == 0 ? alpha * tile[j] : MathF.FusedMultiplyAdd(tile[j], alpha, beta * c[j]);
            }
        }
    }

    /// <summary>How C is cut between threads: contiguous runs of whole tiles along one dimension.</summary>
    internal readonly struct SgemmSplit
    {
        public readonly int Parts;
        public readonly bool AlongColumns;
        private readonly int _tiles;
        private readonly int _tileSize;

        private SgemmSplit(int parts, bool alongColumns, int tiles, int tileSize) =>
            (Parts, AlongColumns, _tiles, _tileSize) = (parts, alongColumns, tiles, tileSize);

        public static SgemmSplit Choose(bool transA, bool transB, bool bPacked, int m, int n, int k, SgemmIsa isa, int threads)
        {
            var mr = SgemmMicroKernels.TileRows(isa);
            var nr = SgemmMicroKernels.TileColumns(isa);
            var rowTiles = (m + mr - 1) / mr;
            var columnTiles = (n + nr - 1) / nr;
            var flops = 2L * m * n * k;
            var parts = (int)Math.Clamp(Math.Min(Math.Min(threads, MaxThreads), flops / MinFlopsPerThread), 1, Math.Max(rowTiles, columnTiles));
            if (parts == 1)
            {
                return new SgemmSplit(1, true, columnTiles, nr);
            }

            // Splitting along N makes every thread pack all of A; splitting along M makes every thread pack all of B
            // (unless that operand is read in place). Estimate the slowest thread's work for both, keep the cheaper.
            var rowsPerPart = (rowTiles + parts - 1) / parts * mr;
            var byColumns = Cost(parts, columnTiles, nr, (long)rowTiles * mr * k, AReadInPlace(transA) ? 0 : (long)m * k);
            var byRows = Cost(parts, rowTiles, mr, (long)columnTiles * nr * k, bPacked || BReadInPlace(transB, rowsPerPart, n) ? 0 : (long)n * k); // ldb is at least n
            return byColumns <= byRows
                ? new SgemmSplit(Math.Min(parts, columnTiles), true, columnTiles, nr)
                : new SgemmSplit(Math.Min(parts, rowTiles), false, rowTiles, mr);
        }

        private static long Cost(int parts, int tiles, int tileSize, long fmasPerLine, long sharedPackFloats)
        {
            if (tiles < parts)
            {
                return long.MaxValue;
            }

            var linesPerPart = (long)((tiles + parts - 1) / parts) * tileSize;
            return linesPerPart * fmasPerLine + sharedPackFloats * PackCostInFmas;
        }

        /// <summary>The [start, end) range of rows or columns owned by a part.</summary>
        public (int Start, int End) Range(int part, int extent)
        {
            var firstTile = (int)((long)_tiles * part / Parts);
            var endTile = (int)((long)_tiles * (part + 1) / Parts);
            return (firstTile * _tileSize, Math.Min(extent, endTile * _tileSize));
        }
    }
}
