using System.Runtime.CompilerServices;
namespace VaeWorkbench.Imaging.Formats.Zlib;

/// <summary>The zlib stream checksum (RFC 1950 §8.2): two sums modulo 65521, reduced only every 5552 bytes.</summary>
internal static class Adler32
{
    private const uint Modulus = 65521;
    // The most bytes that can be summed before s2 could overflow 32 bits (zlib's NMAX).
    private const int MaxRun = 5552;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static uint Compute(ReadOnlySpan<byte> data)
    {
        uint s1 = 1, s2 = 0;
        while (data.Length > 0)
        {
            var run = data[..Math.Min(MaxRun, data.Length)];
            var i = 0;
            for (; i + 4 <= run.Length; i += 4)
            {
                s1 += run[i];
                s2 += s1;
                s1 += run[i + 1];
                s2 += s1;
                s1 += run[i + 2];
                s2 += s1;
                s1 += run[i + 3];
                s2 += s1;
            }
            for (; i < run.Length; i++)
            {
                s1 += run[i];
                s2 += s1;
            }
            s1 %= Modulus;
            s2 %= Modulus;
            data = data[run.Length..];
        }
        return s2 << 16 | s1;
    }

    /// <summary>Byte-by-byte reference with a reduction after every byte, kept beside the fast version for tests.</summary>
    internal static uint ComputeNaive(ReadOnlySpan<byte> data)
    {
        uint s1 = 1, s2 = 0;
        foreach (var b in data)
        {
            s1 = (s1 + b) % Modulus;
            s2 = (s2 + s1) % Modulus;
        }
        return s2 << 16 | s1;
    }
}
