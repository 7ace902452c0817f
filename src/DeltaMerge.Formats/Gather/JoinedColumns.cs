namespace DeltaMerge.Formats.Gather;

/// <summary>Parts joined along dimension 1 (<c>torch.cat(parts, dim=1)</c>): logical row <c>r</c> is row <c>r</c> of each part, one after another.</summary>
public sealed class JoinedColumns : RowGather
{
    /// <summary>Joins <paramref name="parts"/>, which must have the same number of rows.</summary>
    /// <exception cref="ArgumentException">No parts, or parts with different row counts.</exception>
    public JoinedColumns(IReadOnlyList<RowGather> parts) : base(RowCount(parts), parts.Sum(p => p.RowBytes))
    {
        Parts = parts.ToArray();
        Files = DistinctFiles(parts);
    }

    /// <summary>The parts, in column order.</summary>
    public IReadOnlyList<RowGather> Parts { get; }

    /// <inheritdoc />
    public override IReadOnlyList<string> Files { get; }

    private protected override void AppendRow(long row, List<ByteRange> ranges)
    {
        foreach (var part in Parts)
            foreach (var r in part.RangesFor(row)) Append(ranges, r);
    }

    private static long RowCount(IReadOnlyList<RowGather> parts)
    {
        if (parts.Count == 0) throw new ArgumentException("at least one part is needed.", nameof(parts));
        if (parts.Any(p => p.Rows != parts[0].Rows))
            throw new ArgumentException($"parts have {string.Join(", ", parts.Select(p => p.Rows))} rows; joining columns needs one count.", nameof(parts));
        return parts[0].Rows;
    }
}
