namespace DeltaMerge.Formats.Gather;

/// <summary>
/// Where the rows of a tensor lie when its logical (Hugging Face layout) rows are not one contiguous byte range: rows
/// permuted within a file (Meta's rotary layout) or split over several files (model-parallel shards). For a logical row
/// it gives the ordered byte ranges whose concatenation is that row. Gathers compose: the Meta→HF permutation over a
/// concatenation of shards is a <see cref="PermutedRows"/> over <see cref="ConcatenatedRows"/>.
/// </summary>
public abstract class RowGather
{
    private protected RowGather(long rows, long rowBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(rowBytes);
        Rows = rows;
        RowBytes = rowBytes;
    }

    /// <summary>Logical rows (first dimension; 1 for a vector or scalar).</summary>
    public long Rows { get; }

    /// <summary>Bytes of one logical row.</summary>
    public long RowBytes { get; }

    /// <summary>Every file the gather reads, each once, in order of first use.</summary>
    public abstract IReadOnlyList<string> Files { get; }

    /// <summary>
    /// The ranges whose concatenation is rows [<paramref name="rowStart"/>, <paramref name="rowStart"/> + <paramref name="rowCount"/>),
    /// in order; adjacent ranges of one file are merged, so a run of rows stored in order becomes one read.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The rows lie outside the tensor.</exception>
    public IReadOnlyList<ByteRange> RangesFor(long rowStart, long rowCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rowStart);
        ArgumentOutOfRangeException.ThrowIfNegative(rowCount);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(rowStart + rowCount, Rows);
        var ranges = new List<ByteRange>();
        for (long r = rowStart; r < rowStart + rowCount; r++) AppendRow(r, ranges);
        return ranges;
    }

    /// <summary>The ranges of one logical row, in order (adjacent ranges of one file merged).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The row lies outside the tensor.</exception>
    public IReadOnlyList<ByteRange> RangesFor(long row) => RangesFor(row, 1);

    /// <summary>Total bytes of all rows.</summary>
    public long TotalBytes => checked(Rows * RowBytes);

    /// <summary>Appends row <paramref name="row"/>'s ranges to <paramref name="ranges"/> through <see cref="Append"/>.</summary>
    private protected abstract void AppendRow(long row, List<ByteRange> ranges);

    /// <summary>Appends <paramref name="range"/>, merging it into the last range when it continues it in the same file.</summary>
    private protected static void Append(List<ByteRange> ranges, ByteRange range)
    {
        if (range.Length == 0) return;
        if (ranges.Count > 0)
        {
            var last = ranges[^1];
            if (last.Offset + last.Length == range.Offset && string.Equals(last.FilePath, range.FilePath, StringComparison.Ordinal))
            {
                ranges[^1] = last with { Length = last.Length + range.Length };
                return;
            }
        }
        ranges.Add(range);
    }

    private protected static IReadOnlyList<string> DistinctFiles(IEnumerable<RowGather> parts) =>
        parts.SelectMany(p => p.Files).Distinct(StringComparer.Ordinal).ToList();
}
