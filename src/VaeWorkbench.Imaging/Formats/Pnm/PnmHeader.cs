using System.Text;

namespace VaeWorkbench.Imaging.Formats.Pnm;

/// <summary>A parsed Netpbm header. <see cref="Kind"/> is the digit after 'P'; <see cref="DataOffset"/> is where the raster starts.</summary>
internal sealed record PnmHeader(char Kind, int Width, int Height, int Channels, int MaxValue, int DataOffset)
{
    public static bool LooksLikePnm(ReadOnlySpan<byte> data) =>
        data.Length >= 3 && data[0] == 'P' && data[1] is >= (byte)'1' and <= (byte)'7' && data[2] is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r' or (byte)'#';

    public static PnmHeader Read(ReadOnlySpan<byte> data, DecodeLimits limits)
    {
        if (!LooksLikePnm(data)) throw new InvalidImageException("PNM magic number P1 to P7 missing at offset 0");
        var kind = (char)data[1];
        var at = 2;
        if (kind == '7') return ReadPam(data, limits);
        var width = ReadNumber(data, ref at, "width");
        var height = ReadNumber(data, ref at, "height");
        limits.CheckDimensions("PNM", width, height);
        var maxValue = kind is '1' or '4' ? 1 : ReadNumber(data, ref at, "maxval");
        if (maxValue is < 1 or > 65535) throw new InvalidImageException($"PNM maxval {maxValue} is outside 1..65535");
        if (kind is not ('1' or '2' or '3'))
        {
            // Exactly one whitespace byte separates the header from a binary raster.
            if (at >= data.Length || !IsSpace(data[at])) throw new InvalidImageException($"PNM header does not end in whitespace at offset {at}");
            at++;
        }
        var channels = kind is '3' or '6' ? 3 : 1;
        return new PnmHeader(kind, (int)width, (int)height, channels, (int)maxValue, at);
    }

    public static void SkipSpaceAndComments(ReadOnlySpan<byte> data, ref int at)
    {
        while (at < data.Length)
        {
            if (IsSpace(data[at])) at++;
            else if (data[at] == '#')
                while (at < data.Length && data[at] != '\n' && data[at] != '\r') at++;
            else break;
        }
    }

    private static bool IsSpace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r' or (byte)'\v' or (byte)'\f';

    private static long ReadNumber(ReadOnlySpan<byte> data, ref int at, string what)
    {
        SkipSpaceAndComments(data, ref at);
        var start = at;
        long v = 0;
        while (at < data.Length && data[at] is >= (byte)'0' and <= (byte)'9')
        {
            v = v * 10 + (data[at++] - '0');
            if (v > int.MaxValue) throw new InvalidImageException($"PNM header {what} at offset {start} is too large");
        }
        if (at == start) throw new InvalidImageException($"PNM header {what} is missing at offset {start}");
        return v;
    }

    /// <summary>PAM: "WIDTH w", "HEIGHT h", "DEPTH d", "MAXVAL m", optional "TUPLTYPE t", then "ENDHDR".</summary>
    private static PnmHeader ReadPam(ReadOnlySpan<byte> data, DecodeLimits limits)
    {
        long width = -1, height = -1, depth = -1, maxValue = -1;
        var at = 2;
        while (true)
        {
            SkipSpaceAndComments(data, ref at);
            var start = at;
            while (at < data.Length && !IsSpace(data[at])) at++;
            if (at == start) throw new InvalidImageException($"PAM header ends at offset {at} without ENDHDR");
            var key = Encoding.ASCII.GetString(data[start..at]);
            if (key == "ENDHDR")
            {
                if (at >= data.Length || data[at] != '\n') throw new InvalidImageException($"PAM ENDHDR is not followed by a newline at offset {at}");
                at++;
                break;
            }
            if (key == "TUPLTYPE")
            {
                while (at < data.Length && data[at] != '\n') at++;
                continue;
            }
            var value = ReadNumber(data, ref at, key);
            switch (key)
            {
                case "WIDTH": width = value; break;
                case "HEIGHT": height = value; break;
                case "DEPTH": depth = value; break;
                case "MAXVAL": maxValue = value; break;
                default: throw new InvalidImageException($"PAM header has unknown field '{key}' at offset {start}");
            }
        }
        limits.CheckDimensions("PAM", width, height);
        if (depth is < 1 or > 4) throw new InvalidImageException($"PAM DEPTH {depth} is not supported (1 to 4)");
        if (maxValue is < 1 or > 65535) throw new InvalidImageException($"PAM MAXVAL {maxValue} is outside 1..65535");
        return new PnmHeader('7', (int)width, (int)height, (int)depth, (int)maxValue, at);
    }
}
