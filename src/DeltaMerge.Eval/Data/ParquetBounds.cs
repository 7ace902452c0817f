using System.Buffers.Binary;
using Parquet;

namespace DeltaMerge.Eval.Data;

/// <summary>
/// Checks a Parquet file's declared sizes against the file before Parquet.Net allocates for them: Parquet.Net sizes its
/// buffers from the footer's and the page headers' declared counts and sizes (and its Thrift reader from each declared
/// string or list length), so a corrupt or hostile file would otherwise allocate gigabytes for a file of a few KB.
/// Three steps, in reading order: the raw footer (<see cref="CheckFooter"/>), the parsed footer's counts
/// (<see cref="Check"/>), then every page header of every column chunk (<see cref="CheckPages"/>). The bounds are loose
/// for real evaluation data (each row holds text) and tight for the file's size.
/// </summary>
internal static class ParquetBounds
{
    /// <summary>Values a column chunk may declare per byte of the file (RLE and dictionary encodings compress repeats).</summary>
    private const long ValuesPerFileByte = 8;

    /// <summary>Uncompressed bytes a column chunk may declare per byte of the file (generous for any codec on text).</summary>
    private const long UncompressedPerFileByte = 64;

    /// <summary>"PAR1", the footer, its 4-byte length and "PAR1": the footer is walked as Thrift before Parquet.Net parses it.</summary>
    /// <exception cref="EvalDataException"><see cref="EvalDataErrorKind.Parquet"/> for a footer that does not fit the file.</exception>
    public static void CheckFooter(Stream stream, string path)
    {
        long fileLength = stream.Length;
        if (fileLength < 12) throw Bad($"a Parquet file has at least 12 bytes; this one has {fileLength}", path);
        Span<byte> head = stackalloc byte[4], tail = stackalloc byte[8];
        stream.Position = 0;
        stream.ReadExactly(head);
        stream.Position = fileLength - 8;
        stream.ReadExactly(tail);
        if (!head.SequenceEqual("PAR1"u8) || !tail[4..].SequenceEqual("PAR1"u8))
            throw Bad("the file does not start and end with the Parquet magic \"PAR1\"", path);
        long footerLength = BinaryPrimitives.ReadUInt32LittleEndian(tail);
        if (footerLength > fileLength - 12) throw Bad($"the footer declares {footerLength} bytes in a {fileLength}-byte file", path);
        var footer = new byte[footerLength];
        stream.Position = fileLength - 8 - footerLength;
        stream.ReadExactly(footer);
        Walk(footer, ParquetThriftShape.FileMetaData, "the footer", path);
        stream.Position = 0;
    }

    /// <exception cref="EvalDataException"><see cref="EvalDataErrorKind.Parquet"/> for a count or size the file cannot hold.</exception>
    public static void Check(ParquetReader reader, long fileLength, string path)
    {
        var meta = reader.Metadata ?? throw Bad("the footer has no metadata", path);
        long maxValues = ValuesPerFileByte * fileLength, maxUncompressed = UncompressedPerFileByte * fileLength;
        if (meta.NumRows < 0 || meta.NumRows > maxValues) throw Bad($"the footer declares {meta.NumRows} rows in a {fileLength}-byte file", path);
        foreach (var group in meta.RowGroups)
        {
            if (group.NumRows < 0 || group.NumRows > maxValues) throw Bad($"a row group declares {group.NumRows} rows in a {fileLength}-byte file", path);
            foreach (var column in group.Columns)
            {
                var c = column.MetaData;
                if (c is null) continue;
                if (c.NumValues < 0 || c.NumValues > maxValues)
                    throw Bad($"column {string.Join('.', c.PathInSchema)} declares {c.NumValues} values in a {fileLength}-byte file", path);
                if (c.TotalCompressedSize < 0 || c.TotalCompressedSize > fileLength || c.TotalUncompressedSize < 0 || c.TotalUncompressedSize > maxUncompressed)
                    throw Bad($"column {string.Join('.', c.PathInSchema)} declares {c.TotalCompressedSize} bytes ({c.TotalUncompressedSize} uncompressed) in a {fileLength}-byte file", path);
                if (c.DataPageOffset < 0 || c.DataPageOffset >= fileLength || c.DictionaryPageOffset is < 0 || c.DictionaryPageOffset >= fileLength)
                    throw Bad($"column {string.Join('.', c.PathInSchema)} has a page offset outside the file", path);
            }
        }
    }

    /// <summary>
    /// Walks the page headers of each column chunk as Parquet.Net will read them (from the first page, until the
    /// chunk's declared values are read): each header must be valid Thrift within the chunk, and its page sizes and
    /// value counts must fit the chunk and the file. Call after <see cref="Check"/>, which bounds the chunks.
    /// </summary>
    /// <exception cref="EvalDataException"><see cref="EvalDataErrorKind.Parquet"/> for a page the chunk cannot hold.</exception>
    public static void CheckPages(ParquetReader reader, Stream stream, string path)
    {
        long fileLength = stream.Length, maxValues = ValuesPerFileByte * fileLength, maxUncompressed = UncompressedPerFileByte * fileLength;
        foreach (var group in reader.Metadata!.RowGroups)
        foreach (var column in group.Columns)
        {
            var c = column.MetaData;
            if (c is null) continue;
            string name = string.Join('.', c.PathInSchema);
            // The first page: the dictionary page where there is one (an offset of 0 is "none" for some writers).
            long start = c.DictionaryPageOffset is > 0 and var d && (d < c.DataPageOffset || c.DataPageOffset == 0) ? d : c.DataPageOffset;
            if (start + c.TotalCompressedSize > fileLength) throw Bad($"column {name}'s pages run past the end of the file", path);
            var chunk = new byte[c.TotalCompressedSize];
            stream.Position = start;
            stream.ReadExactly(chunk);
            int position = 0;
            long values = 0;
            while (values < c.NumValues)
            {
                if (position >= chunk.Length) throw Bad($"column {name}'s pages hold {values} of the {c.NumValues} values it declares", path);
                var header = Walk(chunk.AsMemory(position), ParquetThriftShape.PageHeader, $"a page header of column {name}", path);
                long compressed = header.Integers.GetValueOrDefault("3", -1), uncompressed = header.Integers.GetValueOrDefault("2", -1);
                position += header.Length;
                if (compressed < 0 || compressed > chunk.Length - position || uncompressed < 0 || uncompressed > maxUncompressed)
                    throw Bad($"a page of column {name} declares {compressed} bytes ({uncompressed} uncompressed) with {chunk.Length - position} left in the chunk", path);
                long pageValues = header.Integers.GetValueOrDefault("5.1") + header.Integers.GetValueOrDefault("8.1");
                long dictionaryValues = header.Integers.GetValueOrDefault("7.1");
                if (pageValues < 0 || pageValues > maxValues || dictionaryValues < 0 || dictionaryValues > maxValues)
                    throw Bad($"a page of column {name} declares {pageValues} values ({dictionaryValues} in a dictionary) in a {fileLength}-byte file", path);
                values += pageValues;
                position += (int)compressed;
            }
        }
        stream.Position = 0;
    }

    private static ThriftCompactWalker Walk(ReadOnlyMemory<byte> bytes, ParquetThriftShape shape, string what, string path)
    {
        try { return ThriftCompactWalker.Walk(bytes, shape); }
        catch (FormatException e) { throw Bad($"{what} is not valid Thrift: {e.Message}", path); }
        catch (OverflowException) { throw Bad($"{what} is not valid Thrift: a field id out of range", path); }
    }

    private static EvalDataException Bad(string message, string path) => new(EvalDataErrorKind.Parquet, message + ".", path);
}
