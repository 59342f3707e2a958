using System.Buffers.Binary;
using System.Text;
using System.Text.Json.Nodes;

namespace VaeWorkbench.Tests.Shared;

/// <summary>
/// Edits a saved model file's config entry, as a file written by another version could hold it (safetensors: an 8-byte
/// header length, the JSON header, then the tensor bytes). Linked into the test projects that need it.
/// </summary>
internal static class ModelFileConfigEdit
{
    /// <summary>The file with <paramref name="key"/> set to <paramref name="jsonValue"/> in its config entry.</summary>
    public static byte[] WithEntry(byte[] file, string key, string jsonValue)
    {
        var headerLength = checked((int)BinaryPrimitives.ReadUInt64LittleEndian(file));
        var header = JsonNode.Parse(Encoding.UTF8.GetString(file, 8, headerLength))!.AsObject();
        var metadata = header["__metadata__"]!.AsObject();
        var config = JsonNode.Parse(metadata["config"]!.GetValue<string>())!.AsObject();
        config[key] = JsonNode.Parse(jsonValue);
        metadata["config"] = config.ToJsonString();
        var newHeader = Encoding.UTF8.GetBytes(header.ToJsonString());
        var padded = (newHeader.Length + 7) / 8 * 8; // safetensors pads the header with spaces to 8 bytes
        var result = new byte[8 + padded + file.Length - 8 - headerLength];
        BinaryPrimitives.WriteUInt64LittleEndian(result, (ulong)padded);
        result.AsSpan(8, padded).Fill((byte)' ');
        newHeader.CopyTo(result, 8);
        file.AsSpan(8 + headerLength).CopyTo(result.AsSpan(8 + padded));
        return result;
    }
}
