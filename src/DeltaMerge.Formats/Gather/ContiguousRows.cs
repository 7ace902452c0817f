namespace DeltaMerge.Formats.Gather;

/// <summary>The leaf of every gather: rows stored one after another at <see cref="Offset"/> of <see cref="FilePath"/>.</summary>
public sealed class ContiguousRows : RowGather
{
    /// <summary>Rows of <paramref name="rowBytes"/> bytes each, starting at <paramref name="offset"/> of <paramref name="filePath"/>.</summary>
    public ContiguousRows(string filePath, long offset, long rows, long rowBytes) : base(rows, rowBytes)
    {
        ArgumentException.ThrowIfNullOrEmpty(filePath);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        FilePath = filePath;
        Offset = offset;
    }

    /// <summary>The file.</summary>
    public string FilePath { get; }

    /// <summary>Absolute offset of the first row.</summary>
    public long Offset { get; }

    /// <summary>The rows of a stored tensor: its first dimension (1 for a vector or scalar) by the rest.</summary>
    public static ContiguousRows Of(TensorEntry entry)
    {
        long rows = entry.Shape.Length == 0 ? 1 : entry.Shape[0];
        long rowBytes = rows == 0 ? 0 : entry.ByteLength / rows;
        return new ContiguousRows(entry.FilePath, entry.Offset, rows, rowBytes);
    }

    /// <inheritdoc />
    public override IReadOnlyList<string> Files => [FilePath];

    private protected override void AppendRow(long row, List<ByteRange> ranges) =>
        Append(ranges, new ByteRange(FilePath, Offset + row * RowBytes, RowBytes));
}
