namespace DeltaMerge.Eval.Data;

/// <summary>
/// Walks one Thrift compact-protocol struct (the encoding of Parquet's footer and page headers) without building it,
/// checking every declared length and element count against the bytes that remain and the nesting against a depth
/// limit. Parquet.Net's own Thrift reader allocates a string or list of the declared size before it reads a byte of it
/// (a 4-byte length field asked for 268 MB in a 1,375-byte file), so its input is walked here first. The integer
/// fields met along the way are kept by field path ("2", "5.1": field 1 of the struct in field 5), outside lists.
/// Shapes that Parquet's metadata never has (sets, maps, lists of lists) are refused too: Parquet.Net reads each field
/// as its schema says, not as the bytes say, so such a shape desynchronises it, and its reader loops forever on a
/// varint once it runs off the end of the footer (found by fuzzing). For the same reason, given a
/// <see cref="ParquetThriftShape"/>, every field Parquet defines must have its defined wire type.
/// </summary>
internal sealed class ThriftCompactWalker
{
    /// <summary>Deeper nesting than any Parquet struct has (the schema is a flat list); guards the recursion.</summary>
    private const int MaxDepth = 32;

    private readonly ReadOnlyMemory<byte> _bytes;
    private int _position;

    private ThriftCompactWalker(ReadOnlyMemory<byte> bytes) => _bytes = bytes;

    /// <summary>Bytes the struct took.</summary>
    public int Length => _position;

    /// <summary>Integer fields by dotted field path (structs only; values inside lists are not kept).</summary>
    public Dictionary<string, long> Integers { get; } = [];

    /// <summary>Walks the struct that starts at the beginning of <paramref name="bytes"/>, defined as <paramref name="shape"/> if given.</summary>
    /// <exception cref="FormatException">A length, count or field runs past the bytes, the nesting is too deep, or a
    /// field does not have the wire type <paramref name="shape"/> defines.</exception>
    public static ThriftCompactWalker Walk(ReadOnlyMemory<byte> bytes, ParquetThriftShape? shape = null)
    {
        var walker = new ThriftCompactWalker(bytes);
        walker.Struct("", 0, shape);
        return walker;
    }

    private int Remaining => _bytes.Length - _position;

    private void Struct(string path, int depth, ParquetThriftShape? shape)
    {
        if (depth > MaxDepth) throw new FormatException($"structs nested deeper than {MaxDepth}");
        short fieldId = 0;
        while (true)
        {
            byte header = Byte();
            if (header == 0) return; // stop field
            int type = header & 0x0F, delta = header >> 4;
            fieldId = delta == 0 ? checked((short)ZigZag(Varint())) : (short)(fieldId + delta);
            string fieldPath = path.Length == 0 ? fieldId.ToString(System.Globalization.CultureInfo.InvariantCulture) : $"{path}.{fieldId}";
            if (type == 9) List(fieldPath, depth, shape, fieldId);
            else Value(type, fieldPath, depth, inStruct: true, shape?.Check(fieldId, type));
        }
    }

    private void Value(int type, string path, int depth, bool inStruct, ParquetThriftShape? shape)
    {
        switch (type)
        {
            case 1 or 2 when inStruct: return; // a struct's bool lives in the field header
            case 1 or 2 or 3: Byte(); return;
            case 4 or 5 or 6:
                long value = ZigZag(Varint());
                if (inStruct) Integers[path] = value;
                return;
            case 7: Skip(8, "a double"); return;
            case 8: Skip(Count("a binary field"), "a binary field"); return;
            case 9: throw new FormatException($"a list of lists at byte {_position}, which Parquet's metadata never holds");
            case 10 or 11: throw new FormatException($"a {(type == 10 ? "set" : "map")} at byte {_position}, which Parquet's metadata never holds");
            case 12: Struct(path, depth + 1, shape); return;
            default: throw new FormatException($"unknown Thrift type {type} at byte {_position}");
        }
    }

    private void List(string path, int depth, ParquetThriftShape? owner, short fieldId)
    {
        byte header = Byte();
        ParquetThriftShape? elements = owner?.Check(fieldId, 9, header & 0x0F);
        long count = header >> 4;
        if (count == 15) count = Count("a list");
        else if (count > Remaining) throw new FormatException($"a list of {count} elements with {Remaining} bytes left");
        for (long i = 0; i < count; i++) Value(header & 0x0F, path, depth + 1, inStruct: false, elements);
    }

    /// <summary>A declared length or element count: every element takes at least one byte, so it cannot exceed what is left.</summary>
    private int Count(string what)
    {
        ulong count = Varint();
        if (count > (ulong)Remaining) throw new FormatException($"{what} declares {count} bytes or elements with {Remaining} bytes left");
        return (int)count;
    }

    private ulong Varint()
    {
        ulong result = 0;
        for (int shift = 0; shift < 70; shift += 7)
        {
            byte b = Byte();
            result |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0) return result;
        }
        throw new FormatException($"a varint longer than 10 bytes at byte {_position}");
    }

    private static long ZigZag(ulong n) => (long)(n >> 1) ^ -(long)(n & 1);

    private byte Byte()
    {
        if (Remaining < 1) throw new FormatException("the struct runs past its bytes");
        return _bytes.Span[_position++];
    }

    private void Skip(int count, string what)
    {
        if (count > Remaining) throw new FormatException($"{what} runs past its bytes");
        _position += count;
    }
}
