using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace DeltaMerge.Formats.Gguf;

/// <summary>Serializes the GGUF header, metadata and tensor infos (little-endian), the writer's single encoding path.</summary>
internal sealed class GgufEncoder
{

    private readonly ArrayBufferWriter<byte> _buffer = new();

    public int Length => _buffer.WrittenCount;

    public ReadOnlySpan<byte> WrittenSpan => _buffer.WrittenSpan;

    public void UInt32(uint v)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(_buffer.GetSpan(sizeof(uint)), v);
        _buffer.Advance(sizeof(uint));
    }

    public void UInt64(ulong v)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(_buffer.GetSpan(sizeof(ulong)), v);
        _buffer.Advance(sizeof(ulong));
    }

    public void Bytes(ReadOnlySpan<byte> bytes) => _buffer.Write(bytes);

    public void String(string s)
    {
        byte[] bytes = StrictUtf8.GetBytes(s);
        UInt64((ulong)bytes.Length);
        Bytes(bytes);
    }

    public void Header(int tensorCount, int kvCount)
    {
        UInt32(GgufConstants.Magic);
        UInt32(GgufConstants.Version);
        UInt64((ulong)tensorCount);
        UInt64((ulong)kvCount);
    }

    public void KeyValue(string key, GgufValue value)
    {
        String(key);
        UInt32((uint)value.Type);
        if (value.Value is Array array)
        {
            UInt32((uint)value.ElementType!.Value);
            UInt64((ulong)array.LongLength);
            foreach (object element in array) Scalar(element);
        }
        else
        {
            Scalar(value.Value);
        }
    }

    public void TensorInfo(string name, GgmlType type, ReadOnlySpan<long> shapeOutermostFirst, long relativeOffset)
    {
        String(name);
        UInt32((uint)shapeOutermostFirst.Length);
        // GGUF stores ne[0] (innermost) first.
        for (int i = shapeOutermostFirst.Length - 1; i >= 0; i--) UInt64((ulong)shapeOutermostFirst[i]);
        UInt32((uint)type);
        UInt64((ulong)relativeOffset);
    }

    public void PadTo(int alignment)
    {
        int pad = (int)(GgufLayout.Align(Length, alignment) - Length);
        _buffer.GetSpan(pad)[..pad].Fill(GgufConstants.PaddingByte);
        _buffer.Advance(pad);
    }

    private void Scalar(object v)
    {
        Span<byte> s = _buffer.GetSpan(sizeof(ulong));
        int n;
        switch (v)
        {
            case byte x: s[0] = x; n = 1; break;
            case sbyte x: s[0] = unchecked((byte)x); n = 1; break;
            case ushort x: BinaryPrimitives.WriteUInt16LittleEndian(s, x); n = 2; break;
            case short x: BinaryPrimitives.WriteInt16LittleEndian(s, x); n = 2; break;
            case uint x: BinaryPrimitives.WriteUInt32LittleEndian(s, x); n = 4; break;
            case int x: BinaryPrimitives.WriteInt32LittleEndian(s, x); n = 4; break;
            case float x: BinaryPrimitives.WriteSingleLittleEndian(s, x); n = 4; break;
            case bool x: s[0] = x ? (byte)1 : (byte)0; n = 1; break;
            case ulong x: BinaryPrimitives.WriteUInt64LittleEndian(s, x); n = 8; break;
            case long x: BinaryPrimitives.WriteInt64LittleEndian(s, x); n = 8; break;
            case double x: BinaryPrimitives.WriteDoubleLittleEndian(s, x); n = 8; break;
            case string x: String(x); return;
            default: throw new ArgumentException($"Unsupported metadata value {v.GetType().Name}.");
        }
        _buffer.Advance(n);
    }
}
