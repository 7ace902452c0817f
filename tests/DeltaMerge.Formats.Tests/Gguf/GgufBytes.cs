using System.Buffers.Binary;
using System.Text;

namespace DeltaMerge.Formats.Tests.Gguf;

/// <summary>Builds GGUF bytes by hand, field by field, so tests can break exactly one rule.</summary>
internal sealed class GgufBytes
{
    private readonly List<byte> _bytes = [];

    public int Length => _bytes.Count;

    public GgufBytes U8(byte v) { _bytes.Add(v); return this; }

    public GgufBytes U32(uint v) { Span<byte> b = stackalloc byte[4]; BinaryPrimitives.WriteUInt32LittleEndian(b, v); _bytes.AddRange(b.ToArray()); return this; }

    public GgufBytes U64(ulong v) { Span<byte> b = stackalloc byte[8]; BinaryPrimitives.WriteUInt64LittleEndian(b, v); _bytes.AddRange(b.ToArray()); return this; }

    public GgufBytes Raw(params byte[] bytes) { _bytes.AddRange(bytes); return this; }

    public GgufBytes Str(string s) { byte[] b = Encoding.UTF8.GetBytes(s); U64((ulong)b.Length); return Raw(b); }

    /// <summary>Magic, version, tensor count, KV count.</summary>
    public static GgufBytes Header(ulong tensors, ulong kvs, uint version = 3) =>
        new GgufBytes().U32(0x46554747).U32(version).U64(tensors).U64(kvs);

    /// <summary>A uint32 KV pair.</summary>
    public GgufBytes KvU32(string key, uint value) => Str(key).U32(4).U32(value);

    /// <summary>A tensor info with dims given innermost first, as the file stores them.</summary>
    public GgufBytes Tensor(string name, uint type, ulong offset, params ulong[] dims)
    {
        Str(name).U32((uint)dims.Length);
        foreach (ulong d in dims) U64(d);
        return U32(type).U64(offset);
    }

    /// <summary>Zero padding up to a multiple of <paramref name="alignment"/>.</summary>
    public GgufBytes Pad(int alignment = 32)
    {
        while (_bytes.Count % alignment != 0) _bytes.Add(0);
        return this;
    }

    public GgufBytes Zeros(int n) { _bytes.AddRange(new byte[n]); return this; }

    public byte[] ToArray() => [.. _bytes];
}
