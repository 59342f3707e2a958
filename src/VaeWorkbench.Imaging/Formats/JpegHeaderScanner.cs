using System.Buffers.Binary;

namespace VaeWorkbench.Imaging.Formats;

/// <summary>
/// Finds a JPEG's frame header (SOFn) by walking the marker segments, without decoding anything, so that
/// <c>vae image info</c> can answer from the header alone. Decoding itself is <see cref="Jpeg.JpegDecoder"/>'s job.
/// </summary>
internal static class JpegHeaderScanner
{
    public static ImageInfo Identify(ReadOnlySpan<byte> data, DecodeLimits limits)
    {
        if (data.Length < 4 || data[0] != 0xFF || data[1] != 0xD8)
            throw new InvalidImageException("JPEG SOI marker missing at offset 0");
        var at = 2;
        while (true)
        {
            while (at < data.Length && data[at] != 0xFF) at++; // tolerate stray bytes between segments
            while (at < data.Length && data[at] == 0xFF) at++; // fill bytes
            if (at >= data.Length) throw new InvalidImageException($"JPEG ends at offset {data.Length} before a frame header (SOF)");
            var marker = data[at++];
            if (marker is 0xD8 or 0x01 or >= 0xD0 and <= 0xD7) continue; // no length
            if (marker == 0xD9) throw new InvalidImageException($"JPEG EOI at offset {at - 2} comes before a frame header (SOF)");
            if (at + 2 > data.Length) throw new InvalidImageException($"JPEG marker 0xFF{marker:X2} at offset {at - 2} is truncated");
            var length = BinaryPrimitives.ReadUInt16BigEndian(data[at..]);
            if (length < 2 || at + length > data.Length)
                throw new InvalidImageException($"JPEG segment 0xFF{marker:X2} at offset {at - 2} declares {length} bytes, past the end of the file");
            if (marker is >= 0xC0 and <= 0xCF and not (0xC4 or 0xC8 or 0xCC))
            {
                if (length < 8) throw new InvalidImageException($"JPEG SOF at offset {at - 2} is {length} bytes, too short");
                int height = BinaryPrimitives.ReadUInt16BigEndian(data[(at + 3)..]);
                int width = BinaryPrimitives.ReadUInt16BigEndian(data[(at + 5)..]);
                var components = data[at + 7];
                if (height == 0) throw new InvalidImageException("JPEG SOF declares height 0 (DNL-defined height) which is not supported");
                limits.CheckDimensions("JPEG", width, height, "SOF");
                return new ImageInfo(ImageFormat.Jpeg, width, height, components);
            }
            at += length;
        }
    }
}
