using System.Runtime.CompilerServices;

namespace VaeWorkbench.Engine.Kernels;

/// <summary>
/// Float buffers that start on a 64-byte boundary, so that no AVX-512 load or store of a vector at a multiple of 16
/// floats straddles two cache lines (each such access costs two; perf showed it in the transposed convolutions). The
/// array lives on the pinned heap, so the boundary found once stays put.
/// </summary>
internal static class AlignedBuffer
{
    private const int Alignment = 64;

    /// <summary>A new 64-byte aligned stretch of <paramref name="size"/> floats.</summary>
    public static Memory<float> Allocate(int size)
    {
        float[]? array = null;
        return Get(ref array, size);
    }

    /// <summary>A 64-byte aligned stretch of <paramref name="size"/> floats in <paramref name="array"/>, which is replaced when too small.</summary>
    public static unsafe Memory<float> Get(ref float[]? array, int size)
    {
        if (array is null || array.Length < size + Alignment / sizeof(float))
            array = GC.AllocateUninitializedArray<float>(size + Alignment / sizeof(float), pinned: true);
        var address = (nint)Unsafe.AsPointer(ref array[0]);
        var skip = (int)((Alignment - (address & (Alignment - 1))) & (Alignment - 1)) / sizeof(float);
        return array.AsMemory(skip, size);
    }
}
