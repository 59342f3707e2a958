using VaeWorkbench.Imaging.Formats.Jpeg;

namespace VaeWorkbench.Imaging.Tests.Jpeg;

/// <summary>Unsupported and broken JPEGs fail with an <see cref="InvalidImageException"/> that says what and where.</summary>
public class JpegErrorTests
{
    private static InvalidImageException Fails(byte[] data, DecodeLimits? limits = null) =>
        Assert.Throws<InvalidImageException>(() => JpegDecoder.Decode(data, limits));

    private static byte[] Baseline() => JpegTestData.Bytes("40x32_q75.jpg");

    /// <summary>Overwrites the SOF's height and width (the SOF0/SOF2 segment's bytes 5..8).</summary>
    private static byte[] WithSize(byte[] jpeg, int width, int height, byte sofMarker = 0xC0)
    {
        int sof = JpegTestData.FindSegment(jpeg, sofMarker);
        jpeg[sof + 5] = (byte)(height >> 8);
        jpeg[sof + 6] = (byte)height;
        jpeg[sof + 7] = (byte)(width >> 8);
        jpeg[sof + 8] = (byte)width;
        return jpeg;
    }

    [Fact]
    public void RejectsDataThatIsNotJpeg()
    {
        Assert.Contains("SOI", Fails([]).Message);
        Assert.Contains("SOI", Fails("\x89PNG\r\n\x1a\n"u8.ToArray()).Message);
    }

    [Fact]
    public void RejectsOversizedFrameBeforeDecoding()
    {
        var e = Fails(WithSize(Baseline(), 20000, 20000));
        Assert.Equal("JPEG SOF declares 20000x20000, limit is 16384x16384", e.Message);

        Assert.Equal(e.Message, Assert.Throws<InvalidImageException>(() => JpegDecoder.Identify(WithSize(Baseline(), 20000, 20000))).Message);

        var small = new DecodeLimits { MaxPixels = 1000 };
        Assert.Contains("40x32 = 1280 pixels, limit is 1000", Fails(Baseline(), small).Message);
        Assert.Contains("file is", Fails(Baseline(), new DecodeLimits { MaxFileBytes = 100 }).Message);
    }

    [Fact]
    public void LargestFrameASofCanDeclareFailsFromTheHeaderWithoutAllocating()
    {
        var flood = WithSize(Baseline(), 65535, 65535);
        Fails(flood); // warm up: first-call JIT and exception setup allocate too
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Fails(flood);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal("JPEG SOF declares 65535x65535, limit is 16384x16384", e.Message);
        Assert.True(allocated < 100_000, $"allocated {allocated} bytes for a frame of {65535L * 65535} pixels");
    }

    [Fact]
    public void TinyFileWithHugeFrameAllocatesLittle()
    {
        // 16000x4000 is within the default limits, but the scan has nowhere near one bit per block, so it is refused
        // before the coefficient memory or any buffer sized by the frame is allocated.
        var lying = WithSize(Baseline(), 16000, 4000);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Fails(lying);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Contains("bytes of data remain", e.Message);
        Assert.True(allocated < 1_000_000, $"allocated {allocated} bytes for a {lying.Length}-byte file");
    }

    [Fact]
    public void ReportsUnsupportedCodingProcesses()
    {
        var twelveBit = Baseline();
        twelveBit[JpegTestData.FindSegment(twelveBit, 0xC0) + 4] = 12;
        Assert.Contains("12-bit precision", Fails(twelveBit).Message);

        var arithmetic = Baseline();
        arithmetic[JpegTestData.FindSegment(arithmetic, 0xC0) + 1] = 0xC9;
        Assert.Contains("arithmetic coding (FFC9 at offset", Fails(arithmetic).Message);

        var lossless = Baseline();
        lossless[JpegTestData.FindSegment(lossless, 0xC0) + 1] = 0xC3;
        Assert.Contains("lossless coding", Fails(lossless).Message);

        // SOI, SOF0 with four components (CMYK), EOI.
        byte[] cmyk =
        [
            0xFF, 0xD8, 0xFF, 0xC0, 0, 20, 8, 0, 16, 0, 16, 4,
            1, 0x11, 0, 2, 0x11, 0, 3, 0x11, 0, 4, 0x11, 0, 0xFF, 0xD9,
        ];
        Assert.Contains("4 components (CMYK/YCCK) is not supported", Fails(cmyk).Message);
    }

    [Fact]
    public void NamesAnUndefinedHuffmanTableAndWhere()
    {
        var jpeg = Baseline();
        int sos = JpegTestData.FindSegment(jpeg, 0xDA);
        jpeg[sos + 6] = 0x31;   // first component: DC table 3, AC table 1
        Assert.Equal($"JPEG DC Huffman table 3 is not defined at offset {sos}", Fails(jpeg).Message);
    }

    [Fact]
    public void NamesAnUndefinedQuantizationTable()
    {
        var jpeg = Baseline();
        int sof = JpegTestData.FindSegment(jpeg, 0xC0);
        jpeg[sof + 12] = 3;     // first component's quantization table
        Assert.Contains("quantization table 3 is not defined", Fails(jpeg).Message);
    }

    [Fact]
    public void RejectsAnImpossibleHuffmanTable()
    {
        var jpeg = Baseline();
        int dht = JpegTestData.FindSegment(jpeg, 0xC4);
        // Move codes to length 1 until three claim it, keeping the symbol count (and so the segment) the same.
        int moved = 0;
        for (int length = 16; length >= 2 && moved < 3; length--)
        {
            while (jpeg[dht + 4 + length] > 0 && moved < 3)
            {
                jpeg[dht + 4 + length]--;
                moved++;
            }
        }

        jpeg[dht + 5] += 3;
        Assert.Contains("more codes of length 1 than fit", Fails(jpeg).Message);
    }

    [Fact]
    public void TruncatedScanDataFailsWithTheOffset()
    {
        var jpeg = Baseline();
        var truncated = jpeg.AsSpan(0, jpeg.Length - 60).ToArray();
        var e = Fails(truncated);
        Assert.Contains($"JPEG scan data ends early at offset {truncated.Length}", e.Message);
    }

    [Fact]
    public void OutOfSequenceRestartMarkerFailsClearly()
    {
        var jpeg = JpegTestData.Bytes("40x32_q70_rst1.jpg");
        int sos = JpegTestData.FindSegment(jpeg, 0xDA);
        int rst = JpegTestData.FindMarkerBytes(jpeg, 0xD0, sos);   // -restart 1 is one MCU row: 40x32 4:2:0 has two
        jpeg[rst + 1] = 0xD5;
        Assert.Equal($"JPEG expected RST0 at offset {rst}, found marker FFD5", Fails(jpeg).Message);
    }

    [Fact]
    public void MissingRestartMarkerFailsClearly()
    {
        var jpeg = JpegTestData.Bytes("40x32_q70_rst1.jpg");
        int sos = JpegTestData.FindSegment(jpeg, 0xDA);
        int rst = JpegTestData.FindMarkerBytes(jpeg, 0xD0, sos);
        var withoutRst = jpeg.AsSpan(0, rst).ToArray().Concat(jpeg.AsSpan(rst + 2).ToArray()).ToArray();
        Assert.Contains("RST0", Fails(withoutRst).Message);
    }

    [Fact]
    public void ScanBeforeFrameHeaderFails()
    {
        byte[] jpeg = [0xFF, 0xD8, 0xFF, 0xDA, 0, 8, 1, 1, 0, 0, 63, 0, 0xFF, 0xD9];
        Assert.Equal("JPEG SOS at offset 2 comes before any SOF", Fails(jpeg).Message);
    }

    [Fact]
    public void SegmentRunningPastTheEndFails()
    {
        var jpeg = Baseline();
        int dqt = JpegTestData.FindSegment(jpeg, 0xDB);
        var cut = jpeg.AsSpan(0, dqt + 20).ToArray();
        Assert.Contains($"DQT segment at offset {dqt} declares", Fails(cut).Message);
    }

    [Fact]
    public void ProgressiveScanWithBadSpectralSelectionFails()
    {
        var jpeg = JpegTestData.Bytes("40x32_q50_prog.jpg");
        int sos = JpegTestData.FindSegment(jpeg, 0xDA);
        int count = jpeg[sos + 4];
        jpeg[sos + 5 + 2 * count + 1] = 5;   // a DC scan (Ss = 0) must end at 0
        Assert.Contains("invalid spectral selection", Fails(jpeg).Message);
    }

    [Fact]
    public void TooManyScansFail()
    {
        // Repeat the DC refinement scan of a progressive file (it reads exactly one bit per block, so every copy
        // decodes) until there are far more scans than any encoder writes.
        var jpeg = JpegTestData.Bytes("40x32_q50_prog.jpg");
        int dcRefine = 0;
        while (true)
        {
            dcRefine = JpegTestData.FindMarkerBytes(jpeg, 0xDA, dcRefine + 1);
            int count = jpeg[dcRefine + 4];
            if (jpeg[dcRefine + 5 + 2 * count] == 0 && jpeg[dcRefine + 7 + 2 * count] >> 4 != 0) break;
        }

        int next = JpegTestData.FindMarkerBytes(jpeg, 0xDA, dcRefine + 1);
        var scan = jpeg.AsSpan(dcRefine, next - dcRefine).ToArray();
        var many = new List<byte>(jpeg.AsSpan(0, jpeg.Length - 2).ToArray());
        for (int i = 0; i < 130; i++) many.AddRange(scan);
        many.AddRange(new byte[] { 0xFF, 0xD9 });
        Assert.Contains("more than 128 scans", Fails([.. many]).Message);
    }

    [Fact]
    public void ComponentWithoutAnyScanFails()
    {
        // One sequential scan per component; cut the file just before the last one (and close it with EOI).
        var jpeg = JpegTestData.Bytes("40x32_q85_seq_scans.jpg");
        int first = JpegTestData.FindMarkerBytes(jpeg, 0xDA);
        int second = JpegTestData.FindMarkerBytes(jpeg, 0xDA, first + 1);
        int third = JpegTestData.FindMarkerBytes(jpeg, 0xDA, second + 1);
        byte[] twoScans = [.. jpeg.AsSpan(0, third), 0xFF, 0xD9];
        Assert.Equal($"JPEG component {jpeg[third + 5]} appears in no scan", Fails(twoScans).Message);
    }
}
