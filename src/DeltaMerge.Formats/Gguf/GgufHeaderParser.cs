using System.Globalization;
using System.Text;
using DeltaMerge.Formats.IO;

namespace DeltaMerge.Formats.Gguf;

/// <summary>
/// Validates a GGUF file's header in one ordered pass, one <see cref="FormatErrorKind"/> per rule: magic → version →
/// counts bounded by the file length → each KV pair (key string, no empty or duplicate key, known value type, strings
/// and arrays bounded by the remaining bytes) → <c>general.alignment</c> → each tensor info (name length, no duplicate,
/// ≤ 4 positive dims, known GGML type, rows a multiple of the block size, byte size from the table) → data section:
/// offsets aligned, data inside the file, no overlaps.
/// </summary>
internal sealed class GgufHeaderParser
{
    private readonly GgufCursor _cursor;

    private GgufHeaderParser(IByteReader reader) => _cursor = new GgufCursor(reader);

    public static GgufReader Parse(IByteReader reader) => new GgufHeaderParser(reader).Run(reader);

    private GgufReader Run(IByteReader reader)
    {
        uint version = ReadPreamble(out ulong tensorCount, out ulong kvCount);
        var metadata = new List<GgufKeyValue>(InitialCapacity(kvCount));
        var byKey = new Dictionary<string, GgufValue>(InitialCapacity(kvCount), StringComparer.Ordinal);
        for (ulong i = 0; i < kvCount; i++) ReadKeyValue(metadata, byKey);
        int alignment = ReadAlignment(byKey);

        var raw = new List<(GgufTensorInfo Info, long InfoOffset, ulong RelativeOffset)>(InitialCapacity(tensorCount));
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (ulong i = 0; i < tensorCount; i++) raw.Add(ReadTensorInfo(names));

        long dataOffset = tensorCount == 0 ? _cursor.Position : GgufLayout.Align(_cursor.Position, alignment);
        var tensors = PlaceTensors(raw, dataOffset, alignment);
        return new GgufReader(reader, version, alignment, dataOffset, metadata.AsReadOnly(), byKey.AsReadOnly(), tensors);
    }

    // Counts are only bounded by the file length; collections grow past this as entries actually parse.
    private static int InitialCapacity(ulong count) => (int)Math.Min(count, 4096);

    private uint ReadPreamble(out ulong tensorCount, out ulong kvCount)
    {
        uint magic = _cursor.ReadUInt32("the magic");
        if (magic != GgufConstants.Magic)
            throw _cursor.Error(FormatErrorKind.GgufBadMagic, 0,
                $"not a GGUF file: expected magic 0x{GgufConstants.Magic:X8} (\"GGUF\"), found 0x{magic:X8}");
        uint version = _cursor.ReadUInt32("the version");
        if (version < GgufConstants.MinSupportedVersion || version > GgufConstants.Version)
        {
            string hint = version != 0 && (version & 0xFFFF) == 0 ? " (a byte-swapped version: the file is big-endian)" : "";
            throw _cursor.Error(FormatErrorKind.GgufUnsupportedVersion, 4,
                $"unsupported GGUF version: expected {GgufConstants.MinSupportedVersion} to {GgufConstants.Version}, found {version}{hint}");
        }
        long countsAt = _cursor.Position;
        tensorCount = _cursor.ReadUInt64("the tensor count");
        kvCount = _cursor.ReadUInt64("the metadata count");

        // Each count is bounded by what the rest of the file could hold at the smallest entry size, before any allocation.
        ulong remaining = (ulong)_cursor.Remaining;
        ulong maxTensors = remaining / GgufConstants.MinTensorInfoSize;
        if (tensorCount > maxTensors)
            throw _cursor.Error(FormatErrorKind.GgufCountTooLarge, countsAt,
                $"tensor count {tensorCount} cannot fit: the remaining {remaining} bytes hold at most {maxTensors} tensor infos");
        ulong maxKvs = (remaining - tensorCount * GgufConstants.MinTensorInfoSize) / GgufConstants.MinKeyValueSize;
        if (kvCount > maxKvs)
            throw _cursor.Error(FormatErrorKind.GgufCountTooLarge, countsAt + 8,
                $"metadata count {kvCount} cannot fit: the remaining bytes hold at most {maxKvs} entries besides {tensorCount} tensor infos");
        return version;
    }

    private void ReadKeyValue(List<GgufKeyValue> metadata, Dictionary<string, GgufValue> byKey)
    {
        long at = _cursor.Position;
        string key = _cursor.ReadString($"metadata key {metadata.Count}");
        if (key.Length == 0)
            throw _cursor.Error(FormatErrorKind.GgufEmptyKey, at, $"metadata key {metadata.Count} is empty");
        if (byKey.ContainsKey(key))
            throw _cursor.Error(FormatErrorKind.GgufDuplicateKey, at, $"duplicate metadata key '{key}'");
        GgufValue value = ReadValue(key);
        metadata.Add(new GgufKeyValue(key, value));
        byKey.Add(key, value);
    }

    private GgufValue ReadValue(string key)
    {
        GgufValueType type = ReadValueType(key, "value type", allowArray: true);
        if (type != GgufValueType.Array) return ReadScalar(type, key);

        GgufValueType elementType = ReadValueType(key, "array element type", allowArray: false);
        long countAt = _cursor.Position;
        ulong count = _cursor.ReadUInt64($"the array length of '{key}'");
        ulong minElement = elementType == GgufValueType.String ? GgufConstants.StringLengthSize : (ulong)FixedSize(elementType);
        ulong fits = (ulong)_cursor.Remaining / minElement;
        if (count > fits || count > GgufConstants.MaxArrayElements)
            throw _cursor.Error(FormatErrorKind.GgufArrayTooLong, countAt,
                $"array '{key}' declares {count} elements of {GgufValue.ScalarName(elementType)}; the remaining {_cursor.Remaining} bytes hold at most {fits} (limit {GgufConstants.MaxArrayElements})");
        var array = System.Array.CreateInstance(GgufValue.ClrType(elementType), (int)count);
        for (int i = 0; i < (int)count; i++) array.SetValue(ReadScalar(elementType, key).Value, i);
        return GgufValue.Array(elementType, array);
    }

    private GgufValueType ReadValueType(string key, string what, bool allowArray)
    {
        long at = _cursor.Position;
        uint raw = _cursor.ReadUInt32($"the {what} of '{key}'");
        var type = (GgufValueType)raw;
        if (!Enum.IsDefined(type) || (!allowArray && type == GgufValueType.Array))
            throw _cursor.Error(FormatErrorKind.GgufUnknownValueType, at,
                $"'{key}' has {what} {raw}; expected 0 to {(int)GgufValueType.Float64}{(allowArray ? "" : " other than 9 (array)")}");
        return type;
    }

    private GgufValue ReadScalar(GgufValueType type, string key)
    {
        string what = $"the value of '{key}'";
        return type switch
        {
            GgufValueType.UInt8 => GgufValue.UInt8(_cursor.ReadUInt8(what)),
            GgufValueType.Int8 => GgufValue.Int8(unchecked((sbyte)_cursor.ReadUInt8(what))),
            GgufValueType.UInt16 => GgufValue.UInt16(_cursor.ReadUInt16(what)),
            GgufValueType.Int16 => GgufValue.Int16(unchecked((short)_cursor.ReadUInt16(what))),
            GgufValueType.UInt32 => GgufValue.UInt32(_cursor.ReadUInt32(what)),
            GgufValueType.Int32 => GgufValue.Int32(unchecked((int)_cursor.ReadUInt32(what))),
            GgufValueType.Float32 => GgufValue.Float32(_cursor.ReadSingle(what)),
            GgufValueType.Bool => GgufValue.Bool(_cursor.ReadUInt8(what) != 0),
            GgufValueType.String => GgufValue.String(_cursor.ReadString(what)),
            GgufValueType.UInt64 => GgufValue.UInt64(_cursor.ReadUInt64(what)),
            GgufValueType.Int64 => GgufValue.Int64(unchecked((long)_cursor.ReadUInt64(what))),
            GgufValueType.Float64 => GgufValue.Float64(_cursor.ReadDouble(what)),
            _ => throw new InvalidOperationException("unreachable: value types are checked before reading"),
        };
    }

    private static int FixedSize(GgufValueType type) => type switch
    {
        GgufValueType.UInt8 or GgufValueType.Int8 or GgufValueType.Bool => 1,
        GgufValueType.UInt16 or GgufValueType.Int16 => 2,
        GgufValueType.UInt32 or GgufValueType.Int32 or GgufValueType.Float32 => 4,
        _ => 8,
    };

    private int ReadAlignment(Dictionary<string, GgufValue> byKey)
    {
        if (!byKey.TryGetValue(GgufKeys.GeneralAlignment, out GgufValue? value)) return GgufConstants.DefaultAlignment;
        if (value.Value is uint a && GgufLayout.IsPowerOfTwo(a) && a <= int.MaxValue) return (int)a;
        throw _cursor.Error(FormatErrorKind.GgufInvalidAlignment, _cursor.Position,
            $"'{GgufKeys.GeneralAlignment}' must be a uint32 power of two, found {value}");
    }

    private (GgufTensorInfo, long, ulong) ReadTensorInfo(HashSet<string> names)
    {
        long at = _cursor.Position;
        string name = _cursor.ReadString($"tensor name {names.Count}");
        int nameBytes = Encoding.UTF8.GetByteCount(name);
        if (nameBytes >= GgufConstants.MaxTensorNameBytes)
            throw _cursor.Error(FormatErrorKind.GgufTensorNameTooLong, at,
                $"tensor name has {nameBytes} bytes; expected fewer than {GgufConstants.MaxTensorNameBytes}", name);
        if (!names.Add(name))
            throw _cursor.Error(FormatErrorKind.DuplicateTensor, at, "duplicate tensor name", name);

        long dimsAt = _cursor.Position;
        uint nDims = _cursor.ReadUInt32("a dimension count");
        if (nDims > GgufConstants.MaxDimensions)
            throw _cursor.Error(FormatErrorKind.GgufTooManyDimensions, dimsAt,
                $"{nDims} dimensions; expected at most {GgufConstants.MaxDimensions}", name);
        var dims = new long[nDims];
        for (int j = 0; j < dims.Length; j++)
        {
            long dimAt = _cursor.Position;
            dims[j] = unchecked((long)_cursor.ReadUInt64("a dimension"));
            if (dims[j] <= 0)
                throw _cursor.Error(FormatErrorKind.GgufNonPositiveDimension, dimAt,
                    $"dimension {j} is {dims[j]}; expected a positive count", name);
        }

        long typeAt = _cursor.Position;
        uint rawType = _cursor.ReadUInt32("a tensor type");
        var type = (GgmlType)rawType;
        if (rawType > int.MaxValue || !GgmlTypeInfo.IsKnown(type))
            throw _cursor.Error(FormatErrorKind.GgufUnknownTensorType, typeAt,
                $"unknown GGML type {rawType.ToString(CultureInfo.InvariantCulture)}", name);
        int block = GgmlTypeInfo.BlockSize(type);
        long rowLength = dims.Length == 0 ? 1 : dims[0];
        if (rowLength % block != 0)
            throw _cursor.Error(FormatErrorKind.GgufRowNotBlockMultiple, dimsAt,
                $"type {type} stores blocks of {block} elements; dims[0] = {rowLength} is not a multiple", name);
        long byteLength;
        try
        {
            byteLength = GgmlTypeInfo.ByteSize(type, dims);
        }
        catch (OverflowException ex)
        {
            throw _cursor.Error(FormatErrorKind.InvalidShape, dimsAt,
                $"dims {TensorEntry.FormatShape(dims)} of type {type} give a size that overflows", name, ex);
        }
        ulong offset = _cursor.ReadUInt64("a tensor offset");
        return (new GgufTensorInfo(name, type, dims, 0, byteLength), at, offset);
    }

    private IReadOnlyList<GgufTensorInfo> PlaceTensors(List<(GgufTensorInfo Info, long InfoOffset, ulong RelativeOffset)> raw,
        long dataOffset, int alignment)
    {
        var placed = new List<GgufTensorInfo>(raw.Count);
        foreach ((GgufTensorInfo info, long infoAt, ulong relative) in raw)
        {
            if (relative % (ulong)alignment != 0)
                throw _cursor.Error(FormatErrorKind.GgufMisalignedOffset, infoAt,
                    $"data offset {relative} is not a multiple of the alignment {alignment}", info.Name);
            // Unsigned comparisons: neither sum can overflow once each term is below the file length.
            ulong available = (ulong)Math.Max(0, _cursor.Length - dataOffset);
            if (relative > available || (ulong)info.ByteLength > available - relative)
                throw _cursor.Error(FormatErrorKind.GgufDataPastEnd, infoAt,
                    $"data [{relative}, +{info.ByteLength}) relative to the data section at byte {dataOffset} runs past the end of the file ({_cursor.Length} bytes)", info.Name);
            placed.Add(info with { Offset = dataOffset + (long)relative });
        }

        GgufTensorInfo? previous = null;
        foreach (GgufTensorInfo t in placed.OrderBy(t => t.Offset).ThenBy(t => t.ByteLength))
        {
            if (previous != null && t.Offset < previous.Offset + previous.ByteLength)
                throw _cursor.Error(FormatErrorKind.GgufTensorOverlap, t.Offset,
                    $"data [{t.Offset}, {t.Offset + t.ByteLength}) overlaps tensor '{previous.Name}' at [{previous.Offset}, {previous.Offset + previous.ByteLength})", t.Name);
            previous = t;
        }
        return placed.AsReadOnly();
    }
}
