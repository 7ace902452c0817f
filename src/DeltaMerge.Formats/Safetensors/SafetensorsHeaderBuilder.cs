using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace DeltaMerge.Formats.Safetensors;

/// <summary>
/// Builds the bytes <c>[u64 n][JSON][spaces]</c> of a header, deterministically: compact JSON, <c>__metadata__</c> first
/// with keys in ordinal order, then the tensors in the given order with contiguous offsets; strings escaped as
/// serde_json does (only <c>"</c>, <c>\</c> and control characters), so the bytes match the reference writer.
/// </summary>
internal static class SafetensorsHeaderBuilder
{
    // Throws on lone surrogates instead of writing U+FFFD.

    private const string HexDigits = "0123456789abcdef";
    private const int HexDigitBits = 4;
    private const int HexDigitMask = 0xF;
    private const char FirstPrintable = ' ';

    /// <summary>Validates the tensor list and returns the header bytes and each tensor's byte length.</summary>
    /// <exception cref="ArgumentException">Duplicate or reserved names, negative dimensions, sizes that overflow, unencodable strings.</exception>
    public static (byte[] Header, long[] ByteLengths, long DataLength) Build(IReadOnlyList<SafetensorsTensorSpec> tensors,
        IReadOnlyDictionary<string, string>? metadata)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        var json = new StringBuilder();
        json.Append('{');
        bool first = true;

        if (metadata is { Count: > 0 })
        {
            AppendString(json, SafetensorsConstants.MetadataKey);
            json.Append(":{");
            bool firstKey = true;
            foreach (KeyValuePair<string, string> item in metadata.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                if (item.Value is null) throw new ArgumentException($"Metadata value of '{item.Key}' is null.", nameof(metadata));
                if (!firstKey) json.Append(',');
                AppendString(json, item.Key);
                json.Append(':');
                AppendString(json, item.Value);
                firstKey = false;
            }
            json.Append('}');
            first = false;
        }

        var lengths = new long[tensors.Count];
        var names = new HashSet<string>(StringComparer.Ordinal);
        long offset = 0;
        for (int i = 0; i < tensors.Count; i++)
        {
            SafetensorsTensorSpec t = tensors[i] ?? throw new ArgumentException($"Tensor {i} is null.", nameof(tensors));
            ArgumentNullException.ThrowIfNull(t.Name, nameof(tensors));
            ArgumentNullException.ThrowIfNull(t.Shape, nameof(tensors));
            if (t.Name == SafetensorsConstants.MetadataKey)
                throw new ArgumentException($"'{SafetensorsConstants.MetadataKey}' is reserved and cannot name a tensor.", nameof(tensors));
            if (!names.Add(t.Name)) throw new ArgumentException($"Tensor '{t.Name}' is listed twice.", nameof(tensors));
            if (!Enum.IsDefined(t.DType)) throw new ArgumentException($"Tensor '{t.Name}' has unknown dtype {t.DType}.", nameof(tensors));
            foreach (long d in t.Shape)
            {
                if (d < 0) throw new ArgumentException($"Tensor '{t.Name}' has negative dimension in {TensorEntry.FormatShape(t.Shape)}.", nameof(tensors));
            }

            long end;
            try
            {
                lengths[i] = t.ByteLength;
                end = checked(offset + lengths[i]);
            }
            catch (OverflowException ex)
            {
                throw new ArgumentException($"Tensor '{t.Name}' {TensorEntry.FormatShape(t.Shape)}: size overflows a 64-bit integer.", nameof(tensors), ex);
            }

            if (!first) json.Append(',');
            AppendString(json, t.Name);
            json.Append(":{");
            AppendString(json, SafetensorsConstants.DTypeKey);
            json.Append(':');
            AppendString(json, DTypeInfo.SafetensorsName(t.DType));
            json.Append(',');
            AppendString(json, SafetensorsConstants.ShapeKey);
            json.Append(":[");
            json.AppendJoin(',', t.Shape.Select(d => d.ToString(CultureInfo.InvariantCulture)));
            json.Append("],");
            AppendString(json, SafetensorsConstants.DataOffsetsKey);
            json.Append(":[").Append(offset.ToString(CultureInfo.InvariantCulture)).Append(',')
                .Append(end.ToString(CultureInfo.InvariantCulture)).Append("]}");
            offset = end;
            first = false;
        }
        json.Append('}');

        byte[] jsonBytes;
        try
        {
            jsonBytes = StrictUtf8.GetBytes(json.ToString());
        }
        catch (EncoderFallbackException ex)
        {
            throw new ArgumentException("A tensor name or metadata string is not valid UTF-16 (lone surrogate).", nameof(tensors), ex);
        }

        const int align = SafetensorsConstants.HeaderAlignment;
        const int prefixSize = SafetensorsConstants.HeaderLengthPrefixSize;
        int padded = checked((jsonBytes.Length + align - 1) / align * align);
        if (padded > SafetensorsConstants.MaxHeaderLength)
            throw new ArgumentException($"Header of {padded} bytes exceeds the {SafetensorsConstants.MaxHeaderLength}-byte limit readers enforce.", nameof(tensors));

        var header = new byte[prefixSize + padded];
        BinaryPrimitives.WriteUInt64LittleEndian(header, (ulong)padded);
        jsonBytes.CopyTo(header.AsSpan(prefixSize));
        header.AsSpan(prefixSize + jsonBytes.Length).Fill(SafetensorsConstants.HeaderPadding);
        if (offset > long.MaxValue - header.Length) throw new ArgumentException("File size overflows a 64-bit integer.", nameof(tensors));
        return (header, lengths, offset);
    }

    private static void AppendString(StringBuilder json, string value)
    {
        json.Append('"');
        foreach (char c in value)
        {
            switch (c)
            {
                case '"': json.Append("\\\""); break;
                case '\\': json.Append("\\\\"); break;
                case '\b': json.Append("\\b"); break;
                case '\f': json.Append("\\f"); break;
                case '\n': json.Append("\\n"); break;
                case '\r': json.Append("\\r"); break;
                case '\t': json.Append("\\t"); break;
                case < FirstPrintable:
                    json.Append("\\u00").Append(HexDigits[(c >> HexDigitBits) & HexDigitMask]).Append(HexDigits[c & HexDigitMask]);
                    break;
                default: json.Append(c); break;
            }
        }
        json.Append('"');
    }
}
