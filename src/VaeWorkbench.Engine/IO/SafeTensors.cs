using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace VaeWorkbench.Engine.IO;

/// <summary>One F32 tensor of a safetensors file.</summary>
public sealed record NamedTensor(string Name, int[] Shape, float[] Data);

/// <summary>
/// The safetensors container (huggingface/safetensors): an 8-byte little-endian header length, a JSON header mapping
/// each tensor name to {dtype, shape, data_offsets} plus an optional "__metadata__" of string pairs, then the raw
/// little-endian data. Only F32 is written or accepted. Reading validates every size and offset before using it.
/// </summary>
public static class SafeTensors
{
    public const int MaxHeaderBytes = 100 * 1024 * 1024;
    public const long MaxFileBytes = int.MaxValue;
    private const string MetadataKey = "__metadata__";

    public static void Write(Stream stream, IReadOnlyList<NamedTensor> tensors, IReadOnlyDictionary<string, string> metadata)
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("safetensors writing assumes a little-endian machine");
        var header = new MemoryStream();
        using (var json = new Utf8JsonWriter(header))
        {
            json.WriteStartObject();
            json.WriteStartObject(MetadataKey);
            foreach (var (key, value) in metadata) json.WriteString(key, value);
            json.WriteEndObject();
            long offset = 0;
            foreach (var t in tensors)
            {
                var bytes = (long)t.Data.Length * sizeof(float);
                json.WriteStartObject(t.Name);
                json.WriteString("dtype", "F32");
                json.WriteStartArray("shape");
                foreach (var d in t.Shape) json.WriteNumberValue(d);
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(offset + bytes);
                json.WriteEndArray();
                json.WriteEndObject();
                offset += bytes;
            }
            json.WriteEndObject();
        }
        // Pad with spaces so the data starts 8-byte aligned, as the reference writer does.
        while (header.Length % 8 != 0) header.WriteByte((byte)' ');
        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)header.Length);
        stream.Write(length);
        header.Position = 0;
        header.CopyTo(stream);
        foreach (var t in tensors) stream.Write(MemoryMarshal.AsBytes(t.Data.AsSpan()));
    }

    public static (Dictionary<string, NamedTensor> Tensors, Dictionary<string, string> Metadata) Read(ReadOnlySpan<byte> file)
    {
        if (file.Length < 8) throw new InvalidModelFileException($"the file is {file.Length} bytes, too short for the 8-byte safetensors header length");
        var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(file);
        if (headerLength > MaxHeaderBytes)
            throw new InvalidModelFileException($"the header length field says {headerLength} bytes, more than the {MaxHeaderBytes}-byte limit (corrupt or not a safetensors file)");
        if (headerLength > (ulong)(file.Length - 8))
            throw new InvalidModelFileException($"the header length field says {headerLength} bytes but only {file.Length - 8} follow (truncated file?)");
        var headerBytes = file.Slice(8, (int)headerLength);
        var data = file[(8 + (int)headerLength)..];

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(headerBytes.ToArray());
        }
        catch (JsonException e)
        {
            throw new InvalidModelFileException($"the header is not valid JSON: {e.Message}", e);
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object) throw new InvalidModelFileException("the header JSON is not an object");
            var tensors = new Dictionary<string, NamedTensor>(StringComparer.Ordinal);
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            var ranges = new List<(long Begin, long End, string Name)>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var entry in document.RootElement.EnumerateObject())
            {
                if (!seen.Add(entry.Name)) throw new InvalidModelFileException($"the header names '{entry.Name}' twice");
                if (entry.Name == MetadataKey)
                {
                    ReadMetadata(entry.Value, metadata);
                    continue;
                }
                var (shape, begin, end) = ReadEntry(entry.Name, entry.Value, data.Length);
                ranges.Add((begin, end, entry.Name));
                var values = new float[(end - begin) / sizeof(float)];
                data.Slice((int)begin, (int)(end - begin)).CopyTo(MemoryMarshal.AsBytes(values.AsSpan()));
                if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("safetensors reading assumes a little-endian machine");
                tensors[entry.Name] = new NamedTensor(entry.Name, shape, values);
            }
            // The format requires the tensors to tile the data section exactly: no gaps, no overlaps, nothing after.
            ranges.Sort((a, b) => a.Begin != b.Begin ? a.Begin.CompareTo(b.Begin) : a.End.CompareTo(b.End));
            long expected = 0;
            foreach (var (begin, end, name) in ranges)
            {
                if (begin != expected) throw new InvalidModelFileException($"tensor '{name}' starts at data offset {begin}, expected {expected} (overlapping or gapped offsets)");
                expected = end;
            }
            if (expected != data.Length) throw new InvalidModelFileException($"the tensors cover {expected} data bytes but the file holds {data.Length} (truncated or trailing bytes)");
            return (tensors, metadata);
        }
    }

    private static void ReadMetadata(JsonElement element, Dictionary<string, string> metadata)
    {
        if (element.ValueKind != JsonValueKind.Object) throw new InvalidModelFileException("__metadata__ is not an object");
        foreach (var item in element.EnumerateObject())
        {
            if (item.Value.ValueKind != JsonValueKind.String) throw new InvalidModelFileException($"__metadata__ entry '{item.Name}' is not a string");
            metadata[item.Name] = item.Value.GetString()!;
        }
    }

    private static (int[] Shape, long Begin, long End) ReadEntry(string name, JsonElement element, int dataLength)
    {
        if (element.ValueKind != JsonValueKind.Object) throw new InvalidModelFileException($"tensor '{name}': header entry is not an object");
        if (!element.TryGetProperty("dtype", out var dtype) || dtype.ValueKind != JsonValueKind.String)
            throw new InvalidModelFileException($"tensor '{name}': missing dtype");
        if (dtype.GetString() != "F32") throw new InvalidModelFileException($"tensor '{name}': dtype {dtype.GetString()} is not supported (only F32)");
        if (!element.TryGetProperty("shape", out var shapeElement) || shapeElement.ValueKind != JsonValueKind.Array)
            throw new InvalidModelFileException($"tensor '{name}': missing shape");
        var shape = new int[shapeElement.GetArrayLength()];
        long count = 1;
        var i = 0;
        foreach (var d in shapeElement.EnumerateArray())
        {
            if (d.ValueKind != JsonValueKind.Number || !d.TryGetInt32(out var dim) || dim < 0)
                throw new InvalidModelFileException($"tensor '{name}': shape entry {d} is not a non-negative integer");
            shape[i++] = dim;
            count *= dim;
            if (count > MaxFileBytes) throw new InvalidModelFileException($"tensor '{name}': shape ({string.Join(", ", shape[..i])}) is larger than any model file");
        }
        if (!element.TryGetProperty("data_offsets", out var offsets) || offsets.ValueKind != JsonValueKind.Array || offsets.GetArrayLength() != 2)
            throw new InvalidModelFileException($"tensor '{name}': data_offsets must be [begin, end]");
        if (!offsets[0].TryGetInt64(out var begin) || !offsets[1].TryGetInt64(out var end) || begin < 0 || end < begin)
            throw new InvalidModelFileException($"tensor '{name}': data_offsets {offsets} are not an increasing pair of non-negative integers");
        if (end > dataLength)
            throw new InvalidModelFileException($"tensor '{name}': data_offsets [{begin}, {end}] run past the {dataLength}-byte data section (truncated file?)");
        if (end - begin != count * sizeof(float))
            throw new InvalidModelFileException($"tensor '{name}': shape ({string.Join(", ", shape)}) needs {count * sizeof(float)} bytes but data_offsets span {end - begin}");
        return (shape, begin, end);
    }
}
