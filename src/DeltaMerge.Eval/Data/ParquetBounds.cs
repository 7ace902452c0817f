using Parquet;

namespace DeltaMerge.Eval.Data;

/// <summary>
/// Checks a Parquet file's footer against the file before Parquet.Net reads any data: Parquet.Net sizes its buffers
/// from these declared counts and sizes, so a corrupt or hostile footer would otherwise allocate gigabytes for a file
/// of a few KB. The bounds are loose for real evaluation data (each row holds text) and tight for the file's size.
/// </summary>
internal static class ParquetBounds
{
    /// <summary>Values a column chunk may declare per byte of the file (RLE and dictionary encodings compress repeats).</summary>
    private const long ValuesPerFileByte = 8;

    /// <summary>Uncompressed bytes a column chunk may declare per byte of the file (generous for any codec on text).</summary>
    private const long UncompressedPerFileByte = 64;

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

    private static EvalDataException Bad(string message, string path) => new(EvalDataErrorKind.Parquet, message + ".", path);
}
