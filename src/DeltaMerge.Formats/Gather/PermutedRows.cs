namespace DeltaMerge.Formats.Gather;

/// <summary>Logical row <c>r</c> is row <c>SourceRow(r)</c> of <see cref="Source"/> (a row permutation, such as Meta → HF rotary layout).</summary>
public sealed class PermutedRows : RowGather
{
    private readonly long[] _sourceRows;

    /// <summary>Row <c>r</c> comes from row <paramref name="sourceRows"/>[r] of <paramref name="source"/>.</summary>
    /// <exception cref="ArgumentException">The map is not a permutation of the source's rows.</exception>
    public PermutedRows(RowGather source, IReadOnlyList<long> sourceRows) : base(source.Rows, source.RowBytes)
    {
        if (sourceRows.Count != source.Rows)
            throw new ArgumentException($"{sourceRows.Count} entries for {source.Rows} rows.", nameof(sourceRows));
        var seen = new bool[sourceRows.Count];
        foreach (long s in sourceRows)
        {
            if (s < 0 || s >= sourceRows.Count || seen[s]) throw new ArgumentException($"row {s} is out of range or repeated: not a permutation.", nameof(sourceRows));
            seen[s] = true;
        }
        Source = source;
        _sourceRows = sourceRows.ToArray();
    }

    /// <summary>Where the rows come from.</summary>
    public RowGather Source { get; }

    /// <summary>The source row of logical row <paramref name="row"/>.</summary>
    public long SourceRow(long row) => _sourceRows[row];

    /// <inheritdoc />
    public override IReadOnlyList<string> Files => Source.Files;

    private protected override void AppendRow(long row, List<ByteRange> ranges)
    {
        foreach (var r in Source.RangesFor(_sourceRows[row])) Append(ranges, r);
    }
}
