using VaeWorkbench.Imaging.Formats.Jpeg;

namespace VaeWorkbench.Imaging.Tests.Jpeg;

/// <summary>
/// Mutated valid JPEGs (byte flips, random bytes, truncations, marker injection) must decode or throw
/// <see cref="InvalidImageException"/>, never anything else. The imaging tool runs the 10,000-case version.
/// </summary>
public class JpegFuzzTests
{
    public static TheoryData<string> Seeds() =>
    [
        "40x32_q75.jpg", "40x32_q90_420.jpg", "33x19_q85_422.jpg", "33x19_q85_440.jpg", "40x32_q50_prog.jpg",
        "33x19_q92_prog_444.jpg", "40x32_q90_rst7_prog.jpg", "40x32_q70_rst1.jpg", "33x19_q90_grey_prog.jpg",
        "40x32_q90_rgb.jpg", "exif_mm_6.jpg", "40x32_q20.jpg", "40x32_q85_seq_scans.jpg", "33x19_q85_prog_scans.jpg",
        "1x1_q85_cross.jpg",
    ];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void MutationsDecodeOrFailCleanly(string seedFile)
    {
        var original = JpegTestData.Bytes(seedFile);
        var random = new Random(seedFile.GetHashCode(StringComparison.Ordinal) & 0xFFFF ^ 12345);
        int decoded = 0, rejected = 0;
        for (int trial = 0; trial < 40; trial++)
        {
            var mutated = Mutate(original, random, trial);
            try
            {
                var image = JpegDecoder.Decode(mutated);
                Assert.Equal(image.Width * image.Height * image.Channels, image.Pixels.Length);
                decoded++;
            }
            catch (InvalidImageException)
            {
                rejected++;
            }
            catch (Exception e)
            {
                Assert.Fail($"{seedFile} mutation {trial} threw {e.GetType().Name}: {e.Message}\n{Convert.ToHexString(mutated)}");
            }
        }

        Assert.Equal(40, decoded + rejected);
    }

    private static byte[] Mutate(byte[] original, Random random, int trial)
    {
        var data = (byte[])original.Clone();
        switch (trial % 5)
        {
            case 0:   // flip a few bits anywhere
                for (int i = random.Next(1, 5); i > 0; i--) data[random.Next(data.Length)] ^= (byte)(1 << random.Next(8));
                return data;
            case 1:   // random bytes in the headers (first 700 bytes hold the tables)
                for (int i = random.Next(1, 4); i > 0; i--) data[random.Next(Math.Min(700, data.Length))] = (byte)random.Next(256);
                return data;
            case 2:   // truncate
                return data.AsSpan(0, random.Next(data.Length)).ToArray();
            case 3:   // inject a marker into the scan data
                int at = random.Next(data.Length / 2, data.Length - 1);
                data[at] = 0xFF;
                data[at + 1] = (byte)random.Next(0xC0, 0xFF);
                return data;
            default:  // overwrite a run with one value (0x00 or 0xFF)
                int start = random.Next(data.Length);
                data.AsSpan(start, Math.Min(random.Next(1, 40), data.Length - start)).Fill(random.Next(2) == 0 ? (byte)0 : (byte)0xFF);
                return data;
        }
    }
}
