using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace VaeWorkbench.Engine.Kernels;

/// <summary>
/// Copies blocks of op(A) and op(B) into the contiguous, zero-padded micro-panel layout the micro-kernels stream:
/// A as panels of MR rows (kc steps of MR values), B as panels of NR columns (kc steps of NR values).
/// Padding with zeros lets edge tiles run the same full-width kernel without reading past the matrices.
/// </summary>
internal static unsafe class SgemmPacking
{
    // op(A) block (rows×kc) -> dst: ceil(rows/mr) panels of kc×mr. src points at op(A)[0,0] of the block.
    public static void PackA(bool transA, float* src, nint lda, int rows, int kc, float* dst, int mr)
    {
        if (transA)
        {
            // Stored (K,M): each k step's values are contiguous across the panels.
            PackStrips(src, lda, kc, rows, dst, mr);
            return;
        }

        // Stored (M,K): each panel row is contiguous in k and lands with stride mr.
        for (var i0 = 0; i0 < rows; i0 += mr, dst += mr * kc)
        {
            Transpose(src + i0 * lda, lda, Math.Min(mr, rows - i0), kc, dst, mr);
        }
    }

    // op(B) block (kc×cols) -> dst: ceil(cols/nr) panels of kc×nr. src points at op(B)[0,0] of the block.
    public static void PackB(bool transB, float* src, nint ldb, int kc, int cols, float* dst, int nr)
    {
        if (!transB)
        {
            // Stored (K,N): each k step's values are contiguous across the panels.
            PackStrips(src, ldb, kc, cols, dst, nr);
            return;
        }

        // Stored (N,K): each panel column is contiguous in k and lands with stride nr.
        for (var j0 = 0; j0 < cols; j0 += nr, dst += nr * kc)
        {
            Transpose(src + j0 * ldb, ldb, Math.Min(nr, cols - j0), kc, dst, nr);
        }
    }

    // steps source rows of `total` contiguous values (stride ld) -> ceil(total/width) panels of steps×width.
    // A few steps at a time across all panels: the source is read along its rows, whereas one narrow strip per
    // panel would touch a new page on every row (ld is often a multiple of 4 KiB) and defeat the prefetchers.
    private static void PackStrips(float* src, nint ld, int steps, int total, float* dst, int width)
    {
        const int StepBlock = 8;
        for (var p0 = 0; p0 < steps; p0 += StepBlock)
        {
            var blockSteps = Math.Min(StepBlock, steps - p0);
            var panel = dst + p0 * width;
            for (var j0 = 0; j0 < total; j0 += width, panel += (nint)width * steps)
            {
                CopyStrips(src + p0 * ld + j0, ld, blockSteps, Math.Min(width, total - j0), panel, width);
            }
        }
    }

    // steps rows of `count` contiguous values (row stride ld) -> steps rows of `width` values, zero-padded past count.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot loop: skip tier-0 code (see SgemmDriver.MacroKernel)
    private static void CopyStrips(float* src, nint ld, int steps, int count, float* dst, int width)
    {
        if (count == 32 && Vector512.IsHardwareAccelerated)
        {
            // The full panels of the AVX-512 kernel: two vectors per step.
            for (var p = 0; p < steps; p++, src += ld, dst += 32)
            {
                Vector512.Store(Vector512.Load(src), dst);
                Vector512.Store(Vector512.Load(src + 16), dst + 16);
            }

            return;
        }

        for (var p = 0; p < steps; p++, src += ld, dst += width)
        {
            var j = 0;
            for (; j + 8 <= count; j += 8)
            {
                Vector256.Store(Vector256.Load(src + j), dst + j);
            }

            for (; j < count; j++)
            {
                dst[j] = src[j];
            }

            for (; j < width; j++)
            {
                dst[j] = 0;
            }
        }
    }

    // `lines` source lines of `steps` contiguous values (stride ld) -> steps rows of `width` values: dst[p*width + l] = src[l*ld + p].
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot loop: skip tier-0 code (see SgemmDriver.MacroKernel)
    private static void Transpose(float* src, nint ld, int lines, int steps, float* dst, int width)
    {
        var done = 0;
        if (SgemmTranspose.IsSupported)
        {
            // 16 lines at a time (16 read streams the prefetchers can follow), 16 steps per transpose.
            var blocked = steps / 16 * 16;
            for (var l0 = 0; l0 < lines; l0 += 16)
            {
                for (var p = 0; p < blocked; p += 16)
                {
                    SgemmTranspose.Transpose16(src + l0 * ld + p, ld, Math.Min(16, lines - l0), dst + p * width + l0, width);
                }
            }

            done = blocked;
        }

        for (var l = 0; l < lines; l++)
        {
            var line = src + l * ld;
            var column = dst + l;
            var p = done;
            for (; p + 4 <= steps; p += 4)
            {
                column[(p + 0) * width] = line[p + 0];
                column[(p + 1) * width] = line[p + 1];
                column[(p + 2) * width] = line[p + 2];
                column[(p + 3) * width] = line[p + 3];
            }

            for (; p < steps; p++)
            {
                column[p * width] = line[p];
            }
        }

        if (lines < width)
        {
            ZeroColumns(dst, steps, lines, width);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ZeroColumns(float* dst, int steps, int from, int width)
    {
        for (var p = 0; p < steps; p++, dst += width)
        {
            new Span<float>(dst + from, width - from).Clear();
        }
    }
}
