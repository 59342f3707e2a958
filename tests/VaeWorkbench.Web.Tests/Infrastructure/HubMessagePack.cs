using System.Buffers.Binary;
using System.Text;

namespace VaeWorkbench.Web.Tests.Infrastructure;

/// <summary>
/// Just enough MessagePack for SignalR's "blazorpack" hub protocol, the only one Blazor's /_blazor hub accepts:
/// messages are length-prefixed (7-bit varint) MessagePack arrays. The SignalR .NET client does not restore here.
/// </summary>
public static class HubMessagePack
{
    /// <summary>An invocation message: [1, headers {}, invocationId or nil, target, arguments, streamIds []].</summary>
    public static byte[] Invocation(string? invocationId, string target, params object?[] arguments)
    {
        var body = new List<byte> { 0x96, 0x01, 0x80 };
        WriteValue(body, invocationId);
        WriteValue(body, target);
        WriteValue(body, arguments);
        body.Add(0x90);
        var framed = new List<byte>();
        for (var length = (uint)body.Count; ; length >>= 7)
        {
            framed.Add((byte)(length < 0x80 ? length : (length & 0x7F) | 0x80));
            if (length < 0x80) break;
        }
        framed.AddRange(body);
        return [.. framed];
    }

    private static void WriteValue(List<byte> to, object? value)
    {
        switch (value)
        {
            case null: to.Add(0xC0); break;
            case bool b: to.Add(b ? (byte)0xC3 : (byte)0xC2); break;
            case long or int:
                to.Add(0xD3);
                var buffer = new byte[8];
                BinaryPrimitives.WriteInt64BigEndian(buffer, Convert.ToInt64(value));
                to.AddRange(buffer);
                break;
            case string s:
                var bytes = Encoding.UTF8.GetBytes(s);
                to.Add(0xDB);
                var length = new byte[4];
                BinaryPrimitives.WriteUInt32BigEndian(length, (uint)bytes.Length);
                to.AddRange(length);
                to.AddRange(bytes);
                break;
            case object?[] array:
                to.Add(0xDD);
                var count = new byte[4];
                BinaryPrimitives.WriteUInt32BigEndian(count, (uint)array.Length);
                to.AddRange(count);
                foreach (var item in array) WriteValue(to, item);
                break;
            default: throw new NotSupportedException(value.GetType().Name);
        }
    }

    /// <summary>Splits a received frame into messages, each read as nested object?[] / string / long / byte[] values.</summary>
    public static List<object?[]> ReadMessages(ReadOnlySpan<byte> frame)
    {
        var messages = new List<object?[]>();
        var position = 0;
        while (position < frame.Length)
        {
            int length = 0, shift = 0;
            byte next;
            do
            {
                next = frame[position++];
                length |= (next & 0x7F) << shift;
                shift += 7;
            } while ((next & 0x80) != 0);
            var reader = new Reader(frame.Slice(position, length).ToArray());
            messages.Add((object?[])reader.Read()!);
            position += length;
        }
        return messages;
    }

    private sealed class Reader(byte[] data)
    {
        private int _at;

        public object? Read()
        {
            var head = data[_at++];
            return head switch
            {
                <= 0x7F => (long)head,
                >= 0x80 and <= 0x8F => Map(head & 0x0F),
                >= 0x90 and <= 0x9F => Array(head & 0x0F),
                >= 0xA0 and <= 0xBF => Text(head & 0x1F),
                0xC0 => null,
                0xC2 => false,
                0xC3 => true,
                0xC4 => Bytes(Take(1)[0]),
                0xC5 => Bytes(BinaryPrimitives.ReadUInt16BigEndian(Take(2))),
                0xC6 => Bytes((int)BinaryPrimitives.ReadUInt32BigEndian(Take(4))),
                0xCA => (double)BinaryPrimitives.ReadSingleBigEndian(Take(4)),
                0xCB => BinaryPrimitives.ReadDoubleBigEndian(Take(8)),
                0xCC => (long)Take(1)[0],
                0xCD => (long)BinaryPrimitives.ReadUInt16BigEndian(Take(2)),
                0xCE => (long)BinaryPrimitives.ReadUInt32BigEndian(Take(4)),
                0xCF => (long)BinaryPrimitives.ReadUInt64BigEndian(Take(8)),
                0xD0 => (long)(sbyte)Take(1)[0],
                0xD1 => (long)BinaryPrimitives.ReadInt16BigEndian(Take(2)),
                0xD2 => (long)BinaryPrimitives.ReadInt32BigEndian(Take(4)),
                0xD3 => BinaryPrimitives.ReadInt64BigEndian(Take(8)),
                0xD9 => Text(Take(1)[0]),
                0xDA => Text(BinaryPrimitives.ReadUInt16BigEndian(Take(2))),
                0xDB => Text((int)BinaryPrimitives.ReadUInt32BigEndian(Take(4))),
                0xDC => Array(BinaryPrimitives.ReadUInt16BigEndian(Take(2))),
                0xDD => Array((int)BinaryPrimitives.ReadUInt32BigEndian(Take(4))),
                0xDE => Map(BinaryPrimitives.ReadUInt16BigEndian(Take(2))),
                0xDF => Map((int)BinaryPrimitives.ReadUInt32BigEndian(Take(4))),
                >= 0xE0 => (long)(sbyte)head,
                _ => throw new NotSupportedException($"MessagePack type 0x{head:X2}"),
            };
        }

        private ReadOnlySpan<byte> Take(int count)
        {
            var span = data.AsSpan(_at, count);
            _at += count;
            return span;
        }

        private byte[] Bytes(int count) => Take(count).ToArray();

        private string Text(int count) => Encoding.UTF8.GetString(Take(count));

        private object?[] Array(int count) => Enumerable.Range(0, count).Select(_ => Read()).ToArray();

        private Dictionary<object, object?> Map(int count)
        {
            var map = new Dictionary<object, object?>();
            for (var i = 0; i < count; i++) map[Read()!] = Read();
            return map;
        }
    }
}
