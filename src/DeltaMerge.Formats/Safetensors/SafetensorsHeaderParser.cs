using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using DeltaMerge.Formats.IO;
using DeltaMerge.Formats.Json;

namespace DeltaMerge.Formats.Safetensors;

/// <summary>
/// Validates a safetensors header in one ordered pass, one <see cref="FormatErrorKind"/> per rule:
/// length prefix → size cap → header inside the file → UTF-8 → JSON → object → entries (structure, dtype, shape,
/// duplicates) and metadata in header order → offsets contiguous from 0 → byte sizes → data fills the file exactly.
/// </summary>
internal sealed class SafetensorsHeaderParser
{
    // Throws on invalid bytes instead of substituting U+FFFD.

    private const char ByteOrderMark = '\uFEFF';

    private readonly string _path;
    private readonly long _fileLength;
    private readonly long _headerLength;
    private readonly List<RawEntry> _entries = [];
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);
    private Dictionary<string, string>? _metadata;

    private SafetensorsHeaderParser(string path, long fileLength, long headerLength)
    {
        _path = path;
        _fileLength = fileLength;
        _headerLength = headerLength;
    }

    private long DataStart => SafetensorsConstants.HeaderLengthPrefixSize + _headerLength;

    /// <summary>A tensor entry as the header states it, offsets relative to the data start.</summary>
    private readonly record struct RawEntry(string Name, DType DType, long[] Shape, long ByteSize, long Begin, long End);

    public static SafetensorsHeader Parse(IByteReader reader)
    {
        string path = reader.FilePath;
        long fileLength = reader.Length;
        const int prefixSize = SafetensorsConstants.HeaderLengthPrefixSize;

        if (fileLength < prefixSize)
            throw Error(FormatErrorKind.SafetensorsTooShort, path, null, 0,
                $"file too short for the header length prefix: expected at least {prefixSize} bytes, found {fileLength}");

        Span<byte> prefix = stackalloc byte[prefixSize];
        reader.ReadExactly(0, prefix);
        ulong declared = BinaryPrimitives.ReadUInt64LittleEndian(prefix);

        if (declared > SafetensorsConstants.MaxHeaderLength)
            throw Error(FormatErrorKind.SafetensorsHeaderTooLarge, path, null, 0,
                $"header length {declared} exceeds the limit of {SafetensorsConstants.MaxHeaderLength} bytes");

        long headerLength = (long)declared;
        if (headerLength > fileLength - prefixSize)
            throw Error(FormatErrorKind.SafetensorsHeaderIncomplete, path, null, prefixSize,
                $"header runs past the end of the file: expected at least {prefixSize + headerLength} bytes, found {fileLength}");

        var headerBytes = new byte[headerLength];
        reader.ReadExactly(prefixSize, headerBytes);

        var parser = new SafetensorsHeaderParser(path, fileLength, headerLength);
        return parser.ParseHeader(headerBytes);
    }

    private SafetensorsHeader ParseHeader(byte[] headerBytes)
    {
        string text = DecodeUtf8(headerBytes);
        using JsonDocument document = ParseJson(text);
        JsonElement root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
            throw Error(FormatErrorKind.SafetensorsHeaderNotObject, null, SafetensorsConstants.HeaderLengthPrefixSize,
                $"header must be a JSON object, found {Describe(root.ValueKind)}");

        foreach (JsonProperty property in root.EnumerateObject())
        {
            if (property.Name == SafetensorsConstants.MetadataKey)
                ReadMetadata(property.Value);
            else
                AddEntry(ReadEntry(property.Name, property.Value));
        }

        // Stable: zero-size tensors sharing an offset keep header order, so a written file reads back in write order.
        RawEntry[] ordered = [.. _entries.OrderBy(e => e.Begin).ThenBy(e => e.End)];
        long dataLength = CheckOffsets(ordered);
        if (dataLength != _fileLength - DataStart)
        {
            Int128 expected = (Int128)DataStart + dataLength;
            throw Error(FormatErrorKind.SafetensorsFileLengthMismatch, null, _fileLength,
                $"file length does not match header + data: expected {expected} bytes (8 + {_headerLength} + {dataLength}), found {_fileLength}");
        }

        var tensors = new List<TensorEntry>(ordered.Length);
        var byName = new Dictionary<string, TensorEntry>(ordered.Length, StringComparer.Ordinal);
        foreach (RawEntry e in ordered)
        {
            // Cannot overflow: every end lies inside the file, checked above.
            var entry = new TensorEntry(e.Name, e.DType, e.Shape, _path, DataStart + e.Begin, e.ByteSize);
            tensors.Add(entry);
            byName.Add(e.Name, entry);
        }

        var metadata = _metadata ?? new Dictionary<string, string>(StringComparer.Ordinal);
        return new SafetensorsHeader(_path, _headerLength, tensors.AsReadOnly(), byName.AsReadOnly(), metadata.AsReadOnly());
    }

    private string DecodeUtf8(byte[] headerBytes)
    {
        try
        {
            return StrictUtf8.GetString(headerBytes);
        }
        catch (DecoderFallbackException ex)
        {
            long offset = SafetensorsConstants.HeaderLengthPrefixSize + Math.Max(ex.Index, 0);
            throw Error(FormatErrorKind.SafetensorsHeaderNotUtf8, null, offset, "header is not valid UTF-8", ex);
        }
    }

    private JsonDocument ParseJson(string text)
    {
        const long headerStart = SafetensorsConstants.HeaderLengthPrefixSize;
        // JSON has no byte order mark, and the reference implementation rejects one.
        if (text.Length > 0 && text[0] == ByteOrderMark)
            throw Error(FormatErrorKind.SafetensorsHeaderNotJson, null, headerStart, "header is not valid JSON: it starts with a byte order mark");
        try
        {
            return StrictJson.ParseDocument(text);
        }
        catch (JsonException ex)
        {
            throw Error(FormatErrorKind.SafetensorsHeaderNotJson, null, headerStart,
                $"header is not valid JSON (line {ex.LineNumber}, byte {ex.BytePositionInLine} of the line)", ex);
        }
    }

    private void ReadMetadata(JsonElement value)
    {
        const long headerStart = SafetensorsConstants.HeaderLengthPrefixSize;
        if (_metadata != null)
            throw Error(FormatErrorKind.SafetensorsInvalidMetadata, null, headerStart, $"'{SafetensorsConstants.MetadataKey}' appears twice");
        if (value.ValueKind != JsonValueKind.Object)
            throw Error(FormatErrorKind.SafetensorsInvalidMetadata, null, headerStart,
                $"'{SafetensorsConstants.MetadataKey}' must be an object of strings, found {Describe(value.ValueKind)}");

        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (JsonProperty item in value.EnumerateObject())
        {
            if (item.Value.ValueKind != JsonValueKind.String)
                throw Error(FormatErrorKind.SafetensorsInvalidMetadata, null, headerStart,
                    $"'{SafetensorsConstants.MetadataKey}' value of key '{item.Name}' must be a string, found {Describe(item.Value.ValueKind)}");
            if (!metadata.TryAdd(item.Name, item.Value.GetString()!))
                throw Error(FormatErrorKind.SafetensorsInvalidMetadata, null, headerStart,
                    $"'{SafetensorsConstants.MetadataKey}' key '{item.Name}' appears twice");
        }
        _metadata = metadata;
    }

    private RawEntry ReadEntry(string name, JsonElement value)
    {
        // Structure first: exactly the three keys, of the right JSON types.
        if (value.ValueKind != JsonValueKind.Object)
            throw InvalidEntry(name, $"expected an object with {EntryKeys}, found {Describe(value.ValueKind)}");

        JsonElement? dtypeElement = null, shapeElement = null, offsetsElement = null;
        foreach (JsonProperty field in value.EnumerateObject())
        {
            ref JsonElement? slot = ref dtypeElement;
            switch (field.Name)
            {
                case SafetensorsConstants.DTypeKey: slot = ref dtypeElement; break;
                case SafetensorsConstants.ShapeKey: slot = ref shapeElement; break;
                case SafetensorsConstants.DataOffsetsKey: slot = ref offsetsElement; break;
                default: throw InvalidEntry(name, $"unexpected key '{field.Name}': expected only {EntryKeys}");
            }
            if (slot != null) throw InvalidEntry(name, $"key '{field.Name}' appears twice");
            slot = field.Value;
        }
        if (dtypeElement is not { } dtypeValue || shapeElement is not { } shapeValue || offsetsElement is not { } offsetsValue)
            throw InvalidEntry(name, $"missing key: expected {EntryKeys}");

        if (dtypeValue.ValueKind != JsonValueKind.String)
            throw InvalidEntry(name, $"'{SafetensorsConstants.DTypeKey}' must be a string, found {Describe(dtypeValue.ValueKind)}");
        if (shapeValue.ValueKind != JsonValueKind.Array)
            throw InvalidEntry(name, $"'{SafetensorsConstants.ShapeKey}' must be an array of integers, found {Describe(shapeValue.ValueKind)}");
        foreach (JsonElement dim in shapeValue.EnumerateArray())
        {
            if (!IsInteger(dim))
                throw InvalidEntry(name, $"'{SafetensorsConstants.ShapeKey}' must be an array of integers, found an element {dim.GetRawText()}");
        }
        (long begin, long end) = ReadOffsets(name, offsetsValue);

        string dtypeName = dtypeValue.GetString()!;
        if (!DTypeInfo.TryParseSafetensors(dtypeName, out DType dtype))
            throw Error(FormatErrorKind.UnknownDType, name, SafetensorsConstants.HeaderLengthPrefixSize, $"unknown dtype '{dtypeName}'");

        long[] shape = ReadShape(name, shapeValue);
        long byteSize;
        try
        {
            byteSize = DTypeInfo.ByteSize(dtype, shape);
        }
        catch (OverflowException ex)
        {
            throw Error(FormatErrorKind.InvalidShape, name, SafetensorsConstants.HeaderLengthPrefixSize,
                $"byte size of shape {TensorEntry.FormatShape(shape)} x {dtypeName} overflows a 64-bit integer", ex);
        }
        return new RawEntry(name, dtype, shape, byteSize, begin, end);
    }

    private void AddEntry(RawEntry entry)
    {
        if (!_names.Add(entry.Name))
            throw Error(FormatErrorKind.DuplicateTensor, entry.Name, SafetensorsConstants.HeaderLengthPrefixSize, "tensor name appears twice in the header");
        _entries.Add(entry);
    }

    private long[] ReadShape(string name, JsonElement shapeValue)
    {
        var shape = new long[shapeValue.GetArrayLength()];
        int i = 0;
        foreach (JsonElement dim in shapeValue.EnumerateArray())
        {
            // An integer that does not fit a long can only be a size no file holds.
            if (!dim.TryGetInt64(out long d) || d < 0)
                throw Error(FormatErrorKind.InvalidShape, name, SafetensorsConstants.HeaderLengthPrefixSize,
                    $"dimension {i} is {dim.GetRawText()}: expected a non-negative 64-bit integer");
            shape[i++] = d;
        }
        return shape;
    }

    private (long Begin, long End) ReadOffsets(string name, JsonElement offsetsValue)
    {
        if (offsetsValue.ValueKind != JsonValueKind.Array || offsetsValue.GetArrayLength() != SafetensorsConstants.DataOffsetsCount)
            throw InvalidEntry(name, $"'{SafetensorsConstants.DataOffsetsKey}' must be an array of {SafetensorsConstants.DataOffsetsCount} integers, found {offsetsValue.GetRawText()}");
        Span<long> values = stackalloc long[SafetensorsConstants.DataOffsetsCount];
        int i = 0;
        foreach (JsonElement item in offsetsValue.EnumerateArray())
        {
            if (!IsInteger(item) || !item.TryGetInt64(out long v) || v < 0)
                throw InvalidEntry(name, $"'{SafetensorsConstants.DataOffsetsKey}' must hold non-negative 64-bit integers, found {item.GetRawText()}");
            values[i++] = v;
        }
        return (values[0], values[1]);
    }

    /// <summary>Checks the sorted entries tile <c>[0, total)</c> exactly and returns the total.</summary>
    private long CheckOffsets(RawEntry[] ordered)
    {
        long previousEnd = 0;
        string? previousName = null;
        foreach (RawEntry e in ordered)
        {
            if (e.End < e.Begin)
                throw Error(FormatErrorKind.SafetensorsOffsetOverlap, e.Name, Absolute(e.Begin),
                    $"data_offsets end {e.End} lies before begin {e.Begin}");
            if (e.Begin > previousEnd)
                throw Error(FormatErrorKind.SafetensorsOffsetGap, e.Name, Absolute(e.Begin),
                    $"gap in the data: expected begin {previousEnd} ({(previousName == null ? "start of data" : $"end of '{previousName}'")}), found {e.Begin}");
            if (e.Begin < previousEnd)
                throw Error(FormatErrorKind.SafetensorsOffsetOverlap, e.Name, Absolute(e.Begin),
                    $"data overlaps '{previousName}': expected begin {previousEnd}, found {e.Begin}");
            if (e.End - e.Begin != e.ByteSize)
                throw Error(FormatErrorKind.TensorByteSizeMismatch, e.Name, Absolute(e.Begin),
                    $"data_offsets span {e.End - e.Begin} bytes, but shape {TensorEntry.FormatShape(e.Shape)} x {DTypeInfo.SafetensorsName(e.DType)} needs {e.ByteSize}");
            previousEnd = e.End;
            previousName = e.Name;
        }
        return previousEnd;
    }

    /// <summary>The absolute file offset of a data offset, or null where it is beyond any file.</summary>
    private long? Absolute(long dataOffset) => dataOffset <= long.MaxValue - DataStart ? DataStart + dataOffset : null;

    private static bool IsInteger(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Number) return false;
        // JSON numbers are -?digits[.digits][e±digits]; an integer has neither fraction nor exponent.
        return element.GetRawText().AsSpan().IndexOfAny('.', 'e', 'E') < 0;
    }

    private static string EntryKeys =>
        $"'{SafetensorsConstants.DTypeKey}', '{SafetensorsConstants.ShapeKey}' and '{SafetensorsConstants.DataOffsetsKey}'";

    private static string Describe(JsonValueKind kind) => kind.ToString().ToLowerInvariant();

    private CheckpointFormatException InvalidEntry(string name, string message) =>
        Error(FormatErrorKind.SafetensorsInvalidEntry, name, SafetensorsConstants.HeaderLengthPrefixSize, message);

    private CheckpointFormatException Error(FormatErrorKind kind, string? tensor, long? offset, string message, Exception? inner = null) =>
        Error(kind, _path, tensor, offset, message, inner);

    private static CheckpointFormatException Error(FormatErrorKind kind, string path, string? tensor, long? offset, string message,
        Exception? inner = null) =>
        new(kind, message, path, tensor, offset, inner);
}
