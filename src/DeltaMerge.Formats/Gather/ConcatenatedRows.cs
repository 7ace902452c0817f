namespace DeltaMerge.Formats.Gather;

/// <summary>Parts stacked along dimension 0 (<c>torch.cat(parts, dim=0)</c>): the first part's rows, then the second's, …</summary>
public sealed class ConcatenatedRows : RowGather
{
    private readonly long[] _firstRow; // logical row where each part starts

    /// <summary>Stacks <paramref name="parts"/>, which must share a row size.</summary>
    /// <exception cref="ArgumentException">No parts, or parts of different row sizes.</exception>
    public ConcatenatedRows(IReadOnlyList<RowGather> parts) : base(parts.Sum(p => p.Rows), RowSize(parts))
    {
        Parts = parts.ToArray();
        _firstRow = new long[parts.Count];
        for (int i = 1; i < parts.Count; i++) _firstRow[i] = _firstRow[i - 1] + parts[i - 1].Rows;
        Files = DistinctFiles(parts);
    }

    /// <summary>The parts, in order.</summary>
    public IReadOnlyList<RowGather> Parts { get; }

    /// <inheritdoc />
    public override IReadOnlyList<string> Files { get; }

    private protected override void AppendRow(long row, List<ByteRange> ranges)
    {
        int part = Array.BinarySearch(_firstRow, row);
        if (part < 0) part = ~part - 1;
        while (Parts[part].Rows == 0) part++; // empty parts share their start with the next one
        foreach (var r in Parts[part].RangesFor(row - _firstRow[part])) Append(ranges, r);
    }

    private static long RowSize(IReadOnlyList<RowGather> parts)
    {
        if (parts.Count == 0) throw new ArgumentException("at least one part is needed.", nameof(parts));
        if (parts.Any(p => p.RowBytes != parts[0].RowBytes))
            throw new ArgumentException($"parts have rows of {string.Join(", ", parts.Select(p => p.RowBytes))} bytes; stacking needs one size.", nameof(parts));
        return parts[0].RowBytes;
    }
}
