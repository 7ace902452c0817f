namespace DeltaMerge.Eval.Data;

/// <summary>
/// The wire types Parquet's Thrift definitions (parquet.thrift) give the fields of the footer and page headers that
/// Parquet.Net reads. Parquet.Net reads a known field by its definition whatever the bytes say, so a known field with
/// another wire type (a list where a string is expected) puts it out of step with the bytes: it then sizes lists from
/// arbitrary bytes (5 GB for an 817-byte file) or loops at the end of its buffer. <see cref="ThriftCompactWalker"/>
/// refuses such fields; fields not listed here are walked by their wire type, as Parquet.Net skips them.
/// </summary>
internal sealed class ParquetThriftShape
{
    // Compact-protocol wire types.
    private const int Bool = 1, Byte = 3, I16 = 4, I32 = 5, I64 = 6, Binary = 8, List = 9, Struct = 12;

    private readonly Dictionary<short, (int Type, int Element, ParquetThriftShape? Shape)> _fields = [];

    /// <summary>The whole footer.</summary>
    public static ParquetThriftShape FileMetaData { get; }

    /// <summary>One page header.</summary>
    public static ParquetThriftShape PageHeader { get; }

    static ParquetThriftShape()
    {
        var empty = new ParquetThriftShape();
        var keyValue = new ParquetThriftShape().Field(1, Binary).Field(2, Binary);
        var statistics = new ParquetThriftShape().Field(1, Binary).Field(2, Binary).Field(3, I64).Field(4, I64)
            .Field(5, Binary).Field(6, Binary).Field(7, Bool).Field(8, Bool);
        var timeUnit = new ParquetThriftShape().Field(1, Struct, empty).Field(2, Struct, empty).Field(3, Struct, empty);
        var logicalType = new ParquetThriftShape()
            .Field(1, Struct, empty).Field(2, Struct, empty).Field(3, Struct, empty).Field(4, Struct, empty)
            .Field(5, Struct, new ParquetThriftShape().Field(1, I32).Field(2, I32))
            .Field(6, Struct, empty)
            .Field(7, Struct, new ParquetThriftShape().Field(1, Bool).Field(2, Struct, timeUnit))
            .Field(8, Struct, new ParquetThriftShape().Field(1, Bool).Field(2, Struct, timeUnit))
            .Field(10, Struct, new ParquetThriftShape().Field(1, Byte).Field(2, Bool))
            .Field(11, Struct, empty).Field(12, Struct, empty).Field(13, Struct, empty).Field(14, Struct, empty).Field(15, Struct, empty);
        var schemaElement = new ParquetThriftShape().Field(1, I32).Field(2, I32).Field(3, I32).Field(4, Binary).Field(5, I32)
            .Field(6, I32).Field(7, I32).Field(8, I32).Field(9, I32).Field(10, Struct, logicalType);
        var columnMetaData = new ParquetThriftShape().Field(1, I32).Field(2, List, I32).Field(3, List, Binary).Field(4, I32)
            .Field(5, I64).Field(6, I64).Field(7, I64).Field(8, List, Struct, keyValue).Field(9, I64).Field(10, I64).Field(11, I64)
            .Field(12, Struct, statistics).Field(13, List, Struct, new ParquetThriftShape().Field(1, I32).Field(2, I32).Field(3, I32))
            .Field(14, I64).Field(15, I32)
            .Field(16, Struct, new ParquetThriftShape().Field(1, I64).Field(2, List, I64).Field(3, List, I64));
        var columnChunk = new ParquetThriftShape().Field(1, Binary).Field(2, I64).Field(3, Struct, columnMetaData).Field(4, I64)
            .Field(5, I32).Field(6, I64).Field(7, I32).Field(9, Binary);
        var rowGroup = new ParquetThriftShape().Field(1, List, Struct, columnChunk).Field(2, I64).Field(3, I64)
            .Field(4, List, Struct, new ParquetThriftShape().Field(1, I32).Field(2, Bool).Field(3, Bool))
            .Field(5, I64).Field(6, I64).Field(7, I16);
        FileMetaData = new ParquetThriftShape().Field(1, I32).Field(2, List, Struct, schemaElement).Field(3, I64)
            .Field(4, List, Struct, rowGroup).Field(5, List, Struct, keyValue).Field(6, Binary)
            .Field(7, List, Struct, new ParquetThriftShape().Field(1, Struct, empty)).Field(9, Binary);
        PageHeader = new ParquetThriftShape().Field(1, I32).Field(2, I32).Field(3, I32).Field(4, I32)
            .Field(5, Struct, new ParquetThriftShape().Field(1, I32).Field(2, I32).Field(3, I32).Field(4, I32).Field(5, Struct, statistics))
            .Field(6, Struct, empty)
            .Field(7, Struct, new ParquetThriftShape().Field(1, I32).Field(2, I32).Field(3, Bool))
            .Field(8, Struct, new ParquetThriftShape().Field(1, I32).Field(2, I32).Field(3, I32).Field(4, I32).Field(5, I32)
                .Field(6, I32).Field(7, Bool).Field(8, Struct, statistics));
    }

    private ParquetThriftShape Field(short id, int type, ParquetThriftShape? shape = null) => Field(id, type, 0, shape);

    private ParquetThriftShape Field(short id, int type, int element, ParquetThriftShape? shape = null)
    {
        _fields[id] = (type, element, shape);
        return this;
    }

    /// <summary>
    /// Checks field <paramref name="id"/>'s wire type (and a list's element type) against the definition.
    /// </summary>
    /// <returns>The shape of the struct (or list elements) inside it, or null where it is not defined.</returns>
    /// <exception cref="FormatException">The wire type is not the defined one.</exception>
    public ParquetThriftShape? Check(short id, int type, int? element = null)
    {
        if (!_fields.TryGetValue(id, out var f)) return null;
        bool typeOk = f.Type == Bool ? type is 1 or 2 : type == f.Type;
        bool elementOk = element is not int e || f.Element == 0 || (f.Element == Bool ? e is 1 or 2 : e == f.Element);
        if (!typeOk || !elementOk)
            throw new FormatException($"field {id} has wire type {type}{(element is int x ? $" of {x}" : "")}, which Parquet defines as {f.Type}{(f.Element != 0 ? $" of {f.Element}" : "")}");
        return f.Shape;
    }
}
