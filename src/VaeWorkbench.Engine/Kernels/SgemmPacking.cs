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
        for (var i0 = 0; i0 < rows; i0 += mr, dst += mr * kc)
        {
            var panelRows = Math.Min(mr, rows - i0);
            if (transA)
            {
                // Stored (K,M): each k step's mr values are contiguous.
                CopyStrips(src + i0, lda, kc, panelRows, dst, mr);
            }
            else
            {
                // Stored (M,K): each panel row is contiguous in k and lands with stride mr.
                Transpose(src + i0 * lda, lda, panelRows, kc, dst, mr);
            }
        }
    }

    // op(B) block (kc×cols) -> dst: ceil(cols/nr) panels of kc×nr. src points at op(B)[0,0] of the block.
    public static void PackB(bool transB, float* src, nint ldb, int kc, int cols, float* dst, int nr)
    {
        for (var j0 = 0; j0 < cols; j0 += nr, dst += nr * kc)
        {
            var panelCols = Math.Min(nr, cols - j0);
            if (transB)
            {
                // Stored (N,K): each panel column is contiguous in k and lands with stride nr.
                Transpose(src + j0 * ldb, ldb, panelCols, kc, dst, nr);
            }
            else
            {
                // Stored (K,N): each k step's nr values are contiguous.
                CopyStrips(src + j0, ldb, kc, panelCols, dst, nr);
            }
        }
    }

    // steps rows of `count` contiguous values (row stride ld) -> steps rows of `width` values, zero-padded past count.
    private static void CopyStrips(float* src, nint ld, int steps, int count, float* dst, int width)
    {
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
    private static void Transpose(float* src, nint ld, int lines, int steps, float* dst, int width)
    {
        var done = 0;
        if (SgemmTranspose.IsSupported)
        {
            // 16 steps at a time, 16 lines at a time; lines past `lines` come out as the zero padding.
            for (; done + 16 <= steps; done += 16)
            {
                for (var l0 = 0; l0 < lines; l0 += 16)
                {
                    SgemmTranspose.Transpose16(src + l0 * ld + done, ld, Math.Min(16, lines - l0), dst + done * width + l0, width);
                }
            }
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
