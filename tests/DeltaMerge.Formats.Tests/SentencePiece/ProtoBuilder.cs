using System.Buffers.Binary;
using System.Text;

namespace DeltaMerge.Formats.Tests.SentencePiece;

/// <summary>Writes protobuf wire format by hand, so tests can build well-formed and broken models byte by byte.</summary>
internal sealed class ProtoBuilder
{
    private readonly List<byte> _bytes = [];

    public ProtoBuilder Varint(int field, ulong value) => Tag(field, 0).Raw(value);

    public ProtoBuilder Fixed64(int field, ulong value)
    {
        Tag(field, 1);
        Span<byte> b = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(b, value);
        _bytes.AddRange(b.ToArray());
        return this;
    }

    public ProtoBuilder Fixed32(int field, uint value)
    {
        Tag(field, 5);
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(b, value);
        _bytes.AddRange(b.ToArray());
        return this;
    }

    public ProtoBuilder Float(int field, float value) => Fixed32(field, BitConverter.SingleToUInt32Bits(value));

    public ProtoBuilder Bytes(int field, byte[] value)
    {
        Tag(field, 2).Raw((ulong)value.Length);
        _bytes.AddRange(value);
        return this;
    }

    public ProtoBuilder String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

    public ProtoBuilder Message(int field, Func<ProtoBuilder, ProtoBuilder> build) => Bytes(field, build(new ProtoBuilder()).ToArray());

    public byte[] ToArray() => _bytes.ToArray();

    private ProtoBuilder Tag(int field, int wireType) => Raw((ulong)((field << 3) | wireType));

    private ProtoBuilder Raw(ulong value)
    {
        while (value >= 0x80)
        {
            _bytes.Add((byte)(value | 0x80));
            value >>= 7;
        }
        _bytes.Add((byte)value);
        return this;
    }
}
