using System.IO.Compression;
using VaeWorkbench.Imaging.Formats.Zlib;

namespace VaeWorkbench.Imaging.Tests;

public class ZlibEncoderTests
{
    [Fact]
    public void Output_inflates_back_to_the_input_for_every_kind_of_block()
    {
        var random = new Random(5);
        var cases = new List<byte[]>
        {
            Array.Empty<byte>(),
            new byte[] { 42 },
            new byte[100_000],                                          // one long run: fixed or dynamic codes
            Enumerable.Range(0, 300_000).Select(_ => (byte)random.Next(256)).ToArray(), // noise: stored blocks
            Enumerable.Range(0, 70_000).Select(i => (byte)(i % 7 == 0 ? random.Next(256) : i / 300)).ToArray(), // many blocks
        };
        for (var length = 1; length < 600; length += 37)
            cases.Add(Enumerable.Range(0, length).Select(i => (byte)(random.Next(4) == 0 ? random.Next(256) : random.Next(3))).ToArray());
        foreach (var data in cases)
            Assert.Equal(data, Inflate(ZlibEncoder.ForThisThread.Compress(data).ToArray()));
    }

    [Fact]
    public void Skewed_frequencies_that_need_codes_longer_than_15_bits_are_limited_and_still_decode()
    {
        // Fibonacci-like counts make an unlimited Huffman tree far deeper than DEFLATE's 15 bits.
        var data = new List<byte>();
        long a = 1, b = 1;
        for (var symbol = 0; symbol < 25; symbol++)
        {
            for (var k = 0; k < a; k++) data.Add((byte)(symbol * 7 + 1)); // spaced values, so no runs of one byte
            (a, b) = (b, Math.Min(a + b, 5000));
        }
        var shuffled = data.OrderBy(_ => Random.Shared.Next()).ToArray();
        var lengths = new byte[256];
        var frequencies = new int[256];
        foreach (var x in shuffled) frequencies[x]++;

        HuffmanCode.BuildLengths(frequencies, lengths, 15);

        Assert.True(lengths.Max() <= 15);
        Assert.Equal(1.0, lengths.Where(l => l > 0).Sum(l => Math.Pow(2, -l)), 12); // a complete prefix code
        Assert.Equal(shuffled, Inflate(ZlibEncoder.ForThisThread.Compress(shuffled).ToArray()));
    }

    [Fact]
    public void Used_and_coded_symbol_lists_match_a_plain_scan_at_every_length()
    {
        var random = new Random(12);
        for (var n = 0; n <= 300; n++) // every tail past the 8-int and 32-byte vectors
        {
            var frequencies = Enumerable.Range(0, n).Select(_ => random.Next(3) == 0 ? random.Next(1, 50) : 0).ToArray();
            var lengths = frequencies.Select(f => (byte)(f % 16)).ToArray();
            var used = new int[n];
            var coded = new int[n];
            Assert.Equal(Enumerable.Range(0, n).Where(s => frequencies[s] > 0), used[..HuffmanCode.UsedSymbols(frequencies, used)]);
            Assert.Equal(Enumerable.Range(0, n).Where(s => lengths[s] != 0), coded[..HuffmanCode.CodedSymbols(lengths, coded)]);
        }
    }

    [Fact]
    public void Counting_sort_and_comparison_sort_give_the_same_code_lengths()
    {
        // Scaling every frequency by 4 keeps the (frequency, symbol) order and every merge decision, so the lengths
        // must not change; it takes frequencies up to 2,000 (counting sort) past the 4,096 limit (comparison sort).
        var random = new Random(8);
        for (var trial = 0; trial < 200; trial++)
        {
            var frequencies = new int[286];
            var used = trial % 10 == 0 ? trial % 3 : random.Next(2, 286); // 0 and 1 used symbols need padding
            for (var i = 0; i < used; i++) frequencies[random.Next(286)] = random.Next(1, 2000);
            var scaled = frequencies.Select(f => f * 4).ToArray();
            var (counted, compared) = (new byte[286], new byte[286]);
            HuffmanCode.BuildLengths(frequencies, counted, 15);
            HuffmanCode.BuildLengths(scaled, compared, 15);
            Assert.Equal(compared, counted);
            Assert.True(counted.Count(l => l > 0) >= 2, "at least two codes");
        }
    }

    [Fact]
    public void The_same_input_always_gives_the_same_bytes()
    {
        var data = Enumerable.Range(0, 5000).Select(i => (byte)(i * i % 251 / 16)).ToArray();
        var first = ZlibEncoder.ForThisThread.Compress(data).ToArray();
        ZlibEncoder.ForThisThread.Compress(new byte[777]); // state from another input must not leak into the next
        var second = Task.Run(() => ZlibEncoder.ForThisThread.Compress(data).ToArray()).Result;

        Assert.Equal(first, second);
    }

    [Fact]
    public void Adler32_matches_the_per_byte_reference_for_every_tail_length_and_past_the_reduction_interval()
    {
        Assert.Equal(0x11E60398u, Adler32.Compute("Wikipedia"u8));
        var random = new Random(9);
        var data = new byte[12_000];
        random.NextBytes(data);
        var saturated = new byte[12_000];
        Array.Fill(saturated, (byte)255); // the largest sums, where an overflow would show first
        // Every length up to ten 32-byte blocks (each tail of the vector path), then around the reduction interval.
        var lengths = Enumerable.Range(0, 330).Concat([812, 5520, 5536, 5551, 5552, 5553, 5568, 11_104, 12_000]);
        foreach (var bytes in new[] { data, saturated })
        {
            foreach (var length in lengths)
            {
                var expected = Adler32.ComputeNaive(bytes.AsSpan(0, length));
                Assert.Equal(expected, Adler32.ComputeScalar(bytes.AsSpan(0, length)));
                if (System.Runtime.Intrinsics.X86.Avx2.IsSupported) Assert.Equal(expected, Adler32.ComputeAvx2(bytes.AsSpan(0, length)));
                Assert.Equal(expected, Adler32.Compute(bytes.AsSpan(0, length)));
            }
        }
    }

    [Fact]
    public void Distance_codes_match_the_table_of_the_specification()
    {
        for (var distance = 1; distance <= DeflateTables.Window; distance++)
        {
            var code = DeflateTables.DistanceCode(distance);
            Assert.InRange(distance, DeflateTables.DistanceBase[code], DeflateTables.DistanceBase[code] + (1 << DeflateTables.DistanceExtra[code]) - 1);
        }
    }

    internal static byte[] Inflate(byte[] zlib)
    {
        using var input = new ZLibStream(new MemoryStream(zlib), CompressionMode.Decompress);
        var output = new MemoryStream();
        input.CopyTo(output);
        return output.ToArray();
    }
}
