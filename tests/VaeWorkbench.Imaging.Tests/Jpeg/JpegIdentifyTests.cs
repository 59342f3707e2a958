namespace VaeWorkbench.Imaging.Tests.Jpeg;

public sealed class JpegIdentifyTests
{
    public static TheoryData<string> Files() => [.. JpegTestData.Manifest().Select(row => row.Jpeg)];

    /// <summary>Identify reads only the header, yet must report the shape Decode produces, EXIF rotations included.</summary>
    [Theory]
    [MemberData(nameof(Files))]
    public void Identify_reports_the_decoded_shape(string file)
    {
        var bytes = JpegTestData.Bytes(file);
        var info = ImageDecoder.Identify(bytes);
        var image = ImageDecoder.Decode(bytes);
        Assert.Equal(ImageFormat.Jpeg, info.Format);
        Assert.Equal((image.Width, image.Height, image.Channels), (info.Width, info.Height, info.Channels));
    }
}
