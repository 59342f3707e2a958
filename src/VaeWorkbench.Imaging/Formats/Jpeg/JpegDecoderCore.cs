namespace VaeWorkbench.Imaging.Formats.Jpeg;

/// <summary>
/// Walks a JPEG's markers: tables (DQT, DHT, DRI), the frame header (SOF, validated against the limits before
/// anything is allocated), application segments (JFIF, Adobe, EXIF), and scans, which it hands to
/// <see cref="JpegScanDecoder"/>. Used once per decode.
/// </summary>
internal sealed class JpegDecoderCore
{
    /// <summary>
    /// Encoders' progressive scripts use about 10 to 20 scans. Each scan may walk every block of the image even when
    /// its data is a few bytes of end-of-band runs, so an unbounded count would let a small file take minutes.
    /// </summary>
    private const int MaxScans = 128;

    private readonly DecodeLimits _limits;
    private readonly ushort[]?[] _quantTables = new ushort[4][];
    private readonly JpegHuffmanTable?[] _dcTables = new JpegHuffmanTable[4];
    private readonly JpegHuffmanTable?[] _acTables = new JpegHuffmanTable[4];
    private int _restartInterval;
    private int _scanCount;
    private bool _sawExif;

    public JpegDecoderCore(DecodeLimits limits) => _limits = limits;

    public JpegFrame? Frame { get; private set; }

    public bool SawJfif { get; private set; }

    /// <summary>The Adobe APP14 colour transform (0 = none/RGB, 1 = YCbCr, 2 = YCCK), or -1 without an Adobe segment.</summary>
    public int AdobeTransform { get; private set; } = -1;

    public int Orientation { get; private set; } = 1;

    /// <summary>Reads the whole file, decoding every scan (or, with <paramref name="headerOnly"/>, stops at the first SOS).</summary>
    public void Read(ReadOnlySpan<byte> data, bool headerOnly)
    {
        ReadSegments(data, headerOnly);
        if (headerOnly || Frame is null) return;
        foreach (var component in Frame.Components)
        {
            // Its quantization table is latched by its first scan, so without one it has no data at all.
            if (component.Quant is null)
                throw new InvalidImageException($"JPEG component {component.Id} appears in no scan");
        }
    }

    private void ReadSegments(ReadOnlySpan<byte> data, bool headerOnly)
    {
        if (data.Length < 2 || data[0] != 0xFF || data[1] != 0xD8)
            throw new InvalidImageException("JPEG does not start with the SOI marker FF D8 at offset 0");

        int position = 2;
        while (true)
        {
            int markerOffset = JpegMarkerScanner.FindNextMarker(data, position);
            if (markerOffset < 0)
            {
                // A missing EOI after complete scans is common and harmless (libjpeg only warns).
                if (_scanCount > 0) return;
                throw new InvalidImageException($"JPEG data ends at offset {data.Length} before any scan");
            }

            byte marker = data[markerOffset + 1];
            position = markerOffset + 2;
            if (marker == 0xD9)
            {
                if (_scanCount == 0) throw new InvalidImageException($"JPEG reaches EOI at offset {markerOffset} before any scan");
                return;
            }

            if (marker == 0xD8) throw new InvalidImageException($"JPEG has a second SOI marker at offset {markerOffset}");
            if (marker is 0x01 or (>= 0xD0 and <= 0xD7)) continue;   // TEM and stray RSTn carry no length

            if (position + 2 > data.Length)
                throw new InvalidImageException($"JPEG {JpegMarkerScanner.Name(marker)} marker at offset {markerOffset} has no length");
            int length = data[position] << 8 | data[position + 1];
            if (length < 2 || position + length > data.Length)
                throw new InvalidImageException(
                    $"JPEG {JpegMarkerScanner.Name(marker)} segment at offset {markerOffset} declares {length} bytes, but {data.Length - position} remain");
            var payload = data.Slice(position + 2, length - 2);
            int payloadOffset = position + 2;
            position += length;

            switch (marker)
            {
                case 0xC0 or 0xC1 or 0xC2:
                    ReadFrame(payload, markerOffset, progressive: marker == 0xC2);
                    break;
                case 0xC3 or 0xC7 or 0xCB or 0xCF:
                    throw new InvalidImageException($"JPEG lossless coding ({JpegMarkerScanner.Name(marker)} at offset {markerOffset}) is not supported");
                case 0xC5 or 0xC6:
                    throw new InvalidImageException($"JPEG hierarchical coding ({JpegMarkerScanner.Name(marker)} at offset {markerOffset}) is not supported");
                case 0xC9 or 0xCA or 0xCD or 0xCE:
                    throw new InvalidImageException($"JPEG arithmetic coding ({JpegMarkerScanner.Name(marker)} at offset {markerOffset}) is not supported");
                case 0xC4:
                    ReadHuffmanTables(payload, payloadOffset);
                    break;
                case 0xDB:
                    ReadQuantTables(payload, payloadOffset);
                    break;
                case 0xDD:
                    if (payload.Length < 2) throw new InvalidImageException($"JPEG DRI segment at offset {markerOffset} is too short");
                    _restartInterval = payload[0] << 8 | payload[1];
                    break;
                case 0xDA:
                    if (Frame is null) throw new InvalidImageException($"JPEG SOS at offset {markerOffset} comes before any SOF");
                    if (headerOnly) return;
                    if (++_scanCount > MaxScans) throw new InvalidImageException($"JPEG has more than {MaxScans} scans (offset {markerOffset})");
                    position = ReadScan(data, payload, markerOffset, position);
                    break;
                case 0xE0:
                    if (payload.StartsWith("JFIF\0"u8)) SawJfif = true;
                    break;
                case 0xE1 when !_sawExif && payload.StartsWith("Exif\0\0"u8):
                    // Only the first EXIF block counts; other APP1 segments (XMP) are ignored.
                    _sawExif = true;
                    Orientation = JpegOrientation.ReadExifOrientation(payload);
                    break;
                case 0xEE:
                    if (payload.Length >= 12 && payload.StartsWith("Adobe"u8)) AdobeTransform = payload[11];
                    break;
            }
        }
    }

    private void ReadFrame(ReadOnlySpan<byte> payload, int offset, bool progressive)
    {
        if (Frame is not null) throw new InvalidImageException($"JPEG has a second SOF at offset {offset}");
        if (payload.Length < 6) throw new InvalidImageException($"JPEG SOF at offset {offset} is too short");
        int precision = payload[0];
        int height = payload[1] << 8 | payload[2];
        int width = payload[3] << 8 | payload[4];
        int count = payload[5];
        if (precision != 8)
            throw new InvalidImageException($"JPEG {precision}-bit precision (SOF at offset {offset}) is not supported, only 8-bit");
        if (height == 0)
            throw new InvalidImageException($"JPEG SOF at offset {offset} declares height 0 (height in a DNL marker), which is not supported");
        _limits.CheckDimensions("JPEG", width, height, "SOF");
        if (count == 4)
            throw new InvalidImageException($"JPEG with 4 components (CMYK/YCCK) is not supported (SOF at offset {offset})");
        if (count is not (1 or 3))
            throw new InvalidImageException($"JPEG SOF at offset {offset} declares {count} components; only 1 (grey) or 3 (colour) are supported");
        if (payload.Length < 6 + 3 * count) throw new InvalidImageException($"JPEG SOF at offset {offset} is too short for {count} components");

        var components = new JpegComponent[count];
        for (int i = 0; i < count; i++)
        {
            var entry = payload.Slice(6 + 3 * i, 3);
            int h = entry[1] >> 4;
            int v = entry[1] & 15;
            if (h is < 1 or > 4 || v is < 1 or > 4)
                throw new InvalidImageException($"JPEG SOF at offset {offset} gives component {entry[0]} sampling factors {h}x{v}, outside 1..4");
            if (entry[2] > 3)
                throw new InvalidImageException($"JPEG SOF at offset {offset} gives component {entry[0]} quantization table {entry[2]}, outside 0..3");
            for (int j = 0; j < i; j++)
            {
                if (components[j].Id == entry[0])
                    throw new InvalidImageException($"JPEG SOF at offset {offset} declares component {entry[0]} twice");
            }

            components[i] = new JpegComponent { Id = entry[0], Index = i, H = h, V = v, QuantTableId = entry[2] };
        }

        int maxH = components.Max(c => c.H);
        int maxV = components.Max(c => c.V);
        foreach (var c in components)
        {
            if (maxH % c.H != 0 || maxV % c.V != 0)
                throw new InvalidImageException(
                    $"JPEG SOF at offset {offset} has fractional sampling ({c.H}x{c.V} against {maxH}x{maxV}), which is not supported");
        }

        Frame = new JpegFrame(progressive, width, height, components);
    }

    private void ReadQuantTables(ReadOnlySpan<byte> payload, int offset)
    {
        int i = 0;
        while (i < payload.Length)
        {
            int precision = payload[i] >> 4;
            int id = payload[i] & 15;
            int size = precision == 0 ? 64 : 128;
            if (precision > 1 || id > 3)
                throw new InvalidImageException($"JPEG DQT at offset {offset + i} defines table {id} with precision {precision}; expected table 0..3, precision 0 or 1");
            if (i + 1 + size > payload.Length)
                throw new InvalidImageException($"JPEG DQT table {id} at offset {offset + i} runs past its segment");
            var table = new ushort[64];
            var values = payload.Slice(i + 1, size);
            for (int k = 0; k < 64; k++)
                table[JpegScanDecoder.NaturalOrder[k]] = precision == 0 ? values[k] : (ushort)(values[2 * k] << 8 | values[2 * k + 1]);
            _quantTables[id] = table;
            i += 1 + size;
        }
    }

    private void ReadHuffmanTables(ReadOnlySpan<byte> payload, int offset)
    {
        int i = 0;
        while (i < payload.Length)
        {
            int tableClass = payload[i] >> 4;
            int id = payload[i] & 15;
            string name = $"{(tableClass == 0 ? "DC" : "AC")} table {id} at offset {offset + i}";
            if (tableClass > 1 || id > 3)
                throw new InvalidImageException($"JPEG DHT at offset {offset + i} defines class {tableClass} table {id}; expected class 0..1, table 0..3");
            if (i + 17 > payload.Length) throw new InvalidImageException($"JPEG Huffman {name} runs past its segment");
            var counts = payload.Slice(i + 1, 16);
            int total = 0;
            foreach (byte count in counts) total += count;
            if (total > 256 || i + 17 + total > payload.Length)
                throw new InvalidImageException($"JPEG Huffman {name} declares {total} symbols, more than its segment or 256 allow");
            var symbols = payload.Slice(i + 17, total);
            if (tableClass == 0)
            {
                // DC symbols are magnitude categories; anything above 15 would make the bit reader misbehave.
                foreach (byte symbol in symbols)
                {
                    if (symbol > 15) throw new InvalidImageException($"JPEG Huffman {name} has DC category {symbol}, limit is 15");
                }
            }

            var table = new JpegHuffmanTable(counts, symbols, name);
            (tableClass == 0 ? _dcTables : _acTables)[id] = table;
            i += 17 + total;
        }
    }

    private int ReadScan(ReadOnlySpan<byte> data, ReadOnlySpan<byte> payload, int offset, int entropyStart)
    {
        var frame = Frame!;
        if (payload.Length < 1) throw new InvalidImageException($"JPEG SOS at offset {offset} is empty");
        if (_scanCount == 1) JpegStandardHuffmanTables.FillMissing(_dcTables, _acTables);
        int count = payload[0];
        if (count < 1 || count > frame.Components.Length || payload.Length < 1 + 2 * count + 3)
            throw new InvalidImageException($"JPEG SOS at offset {offset} declares {count} components, which it or the frame cannot hold");

        var components = new JpegComponent[count];
        for (int i = 0; i < count; i++)
        {
            int id = payload[1 + 2 * i];
            int tables = payload[2 + 2 * i];
            var component = Array.Find(frame.Components, c => c.Id == id)
                ?? throw new InvalidImageException($"JPEG SOS at offset {offset} names component {id}, which the SOF does not declare");
            if (Array.IndexOf(components, component) >= 0)
                throw new InvalidImageException($"JPEG SOS at offset {offset} names component {id} twice");
            components[i] = component;
            component.DcTable = (tables >> 4) < 4 ? _dcTables[tables >> 4] : null;
            component.AcTable = (tables & 15) < 4 ? _acTables[tables & 15] : null;
            component.Quant ??= _quantTables[component.QuantTableId]
                ?? throw new InvalidImageException($"JPEG quantization table {component.QuantTableId} is not defined at offset {offset}");
            ValidateTables(component, tables, offset, frame.Progressive, payload[1 + 2 * count], payload[3 + 2 * count] >> 4);
        }

        int blocksInMcu = components.Sum(c => c.H * c.V);
        if (count > 1 && blocksInMcu > 10)
            throw new InvalidImageException($"JPEG SOS at offset {offset} has {blocksInMcu} blocks per MCU, limit is 10");

        var scan = new JpegScan(components,
            SpectralStart: payload[1 + 2 * count],
            SpectralEnd: payload[2 + 2 * count],
            ApproxHigh: payload[3 + 2 * count] >> 4,
            ApproxLow: payload[3 + 2 * count] & 15);
        ValidateSpectrum(scan, frame.Progressive, offset);
        CheckDataCanCoverScan(frame, scan, offset, data.Length - entropyStart);
        frame.AllocateCoefficients();
        return JpegScanDecoder.Decode(data, entropyStart, frame, scan, _restartInterval);
    }

    /// <summary>
    /// Sequential and DC scans spend at least one bit on every block, so a scan that claims more blocks than its
    /// remaining data has bits cannot be real: refusing it here keeps a tiny file with a huge (but within-limits)
    /// SOF from making us allocate the coefficients for that size.
    /// </summary>
    private static void CheckDataCanCoverScan(JpegFrame frame, JpegScan scan, int offset, int remainingBytes)
    {
        if (frame.Progressive && scan.SpectralStart > 0) return;   // AC scans can skip blocks with end-of-band runs
        long blocks = scan.Components.Length == 1
            ? (long)scan.Components[0].BlocksPerLine * scan.Components[0].BlocksPerColumn
            : (long)frame.McusPerLine * frame.McusPerColumn * scan.Components.Sum(c => c.H * c.V);
        if (blocks > 8L * remainingBytes)
            throw new InvalidImageException(
                $"JPEG scan at offset {offset} codes {blocks} blocks, but only {remainingBytes} bytes of data remain (data truncated?)");
    }

    private static void ValidateTables(JpegComponent component, int tables, int offset, bool progressive, int spectralStart, int approxHigh)
    {
        bool needsDc = !progressive || (spectralStart == 0 && approxHigh == 0);
        bool needsAc = !progressive || spectralStart > 0;
        if (needsDc && component.DcTable is null)
            throw new InvalidImageException($"JPEG DC Huffman table {tables >> 4} is not defined at offset {offset}");
        if (needsAc && component.AcTable is null)
            throw new InvalidImageException($"JPEG AC Huffman table {tables & 15} is not defined at offset {offset}");
    }

    private static void ValidateSpectrum(JpegScan scan, bool progressive, int offset)
    {
        (int ss, int se, int ah, int al) = (scan.SpectralStart, scan.SpectralEnd, scan.ApproxHigh, scan.ApproxLow);
        if (!progressive)
        {
            // libjpeg ignores these fields in sequential scans; so do we.
            return;
        }

        bool valid = ss == 0 ? se == 0 : ss <= se && se <= 63 && scan.Components.Length == 1;
        valid &= al <= 13 && (ah == 0 || ah == al + 1);
        if (!valid)
            throw new InvalidImageException(
                $"JPEG progressive scan at offset {offset} has an invalid spectral selection or approximation (Ss={ss}, Se={se}, Ah={ah}, Al={al})");
    }
}
