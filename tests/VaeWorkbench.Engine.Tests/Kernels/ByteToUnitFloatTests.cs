using VaeWorkbench.Engine.Kernels;

namespace VaeWorkbench.Engine.Tests.Kernels;

/// <summary>The byte-to-float batch conversion against its naive reference, at every tail length past three Vector512 widths.</summary>
public class ByteToUnitFloatTests
{
    // 0..200 covers every remainder after the 64-byte (Vector512) loop, and the 32-byte (Vector256) loop's remainders.
    public static TheoryData<int> Lengths() => [.. Enumerable.Range(0, 201)];

    [Theory]
    [MemberData(nameof(Lengths))]
    public void VectorPathsEqualTheReferenceBitForBit(int n)
    {
        var rng = new Rng((ulong)n + 7);
        var src = new byte[n];
        for (var i = 0; i < n; i++) src[i] = (byte)rng.NextInt(256);
        var fast = new float[n];
        var naive = new float[n];
        fast.AsSpan().Fill(float.NaN);
        ByteToUnitFloat.Convert(src, fast);
        ByteToUnitFloat.ConvertScalar(src, naive);
        Assert.Equal(naive.Select(BitConverter.SingleToInt32Bits), fast.Select(BitConverter.SingleToInt32Bits));
    }

    [Fact]
    public void EveryByteValueMapsToItsQuotientAndTheEndsAreExact()
    {
        var src = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();
        var dst = new float[256];
        ByteToUnitFloat.Convert(src, dst);
        for (var i = 0; i < 256; i++) Assert.Equal(i / 255f, dst[i]);
        Assert.Equal(0f, dst[0]);
        Assert.Equal(1f, dst[255]);
    }

    [Fact]
    public void MismatchedLengthsAreRefused()
    {
        var e = Assert.Throws<ArgumentException>(() => ByteToUnitFloat.Convert(new byte[5], new float[4]));
        Assert.Contains("5 bytes but 4 floats", e.Message);
    }
}
