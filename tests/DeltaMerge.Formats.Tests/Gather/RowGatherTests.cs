using DeltaMerge.Formats.Gather;

namespace DeltaMerge.Formats.Tests.Gather;

/// <summary>Row gathers against hand-built buffers: the bytes each logical row resolves to, and how ranges coalesce.</summary>
public sealed class RowGatherTests
{
    private const string FileA = "/a.bin";
    private const string FileB = "/b.bin";

    // Two "files" of 64 bytes whose byte i is i (A) or 100 + i (B).
    private static readonly Dictionary<string, byte[]> Files = new()
    {
        [FileA] = Enumerable.Range(0, 64).Select(i => (byte)i).ToArray(),
        [FileB] = Enumerable.Range(0, 64).Select(i => (byte)(100 + i)).ToArray(),
    };

    private static byte[] Read(RowGather g, long rowStart, long rowCount) =>
        g.RangesFor(rowStart, rowCount).SelectMany(r => Files[r.FilePath].Skip((int)r.Offset).Take((int)r.Length)).ToArray();

    private static byte[] Bytes(string file, params int[] offsets) => offsets.Select(o => Files[file][o]).ToArray();

    [Test]
    public void ContiguousRowsAreOneRange()
    {
        var g = new ContiguousRows(FileA, 8, rows: 4, rowBytes: 4);
        Assert.That(g.RangesFor(1, 3), Is.EqualTo(new[] { new ByteRange(FileA, 12, 12) }));
        Assert.That(g.Files, Is.EqualTo(new[] { FileA }));
        Assert.That(g.TotalBytes, Is.EqualTo(16));
    }

    [Test]
    public void PermutedRowsComeFromTheirSourceRowsAndIdentityRunsCoalesce()
    {
        var g = new PermutedRows(new ContiguousRows(FileA, 0, rows: 4, rowBytes: 2), [0, 1, 3, 2]);
        Assert.That(Read(g, 0, 4), Is.EqualTo(Bytes(FileA, 0, 1, 2, 3, 6, 7, 4, 5)));
        // Rows 0-1 are in order: one read; rows 2 and 3 go backwards: one read each.
        Assert.That(g.RangesFor(0, 4), Is.EqualTo(new[] { new ByteRange(FileA, 0, 4), new ByteRange(FileA, 6, 2), new ByteRange(FileA, 4, 2) }));
        var identity = new PermutedRows(new ContiguousRows(FileA, 0, rows: 8, rowBytes: 8), [0, 1, 2, 3, 4, 5, 6, 7]);
        Assert.That(identity.RangesFor(0, 8), Is.EqualTo(new[] { new ByteRange(FileA, 0, 64) }));
    }

    [Test]
    public void ConcatenatedRowsStackParts()
    {
        var g = new ConcatenatedRows([new ContiguousRows(FileA, 0, rows: 2, rowBytes: 3), new ContiguousRows(FileB, 10, rows: 3, rowBytes: 3)]);
        Assert.That(g.Rows, Is.EqualTo(5));
        Assert.That(g.Files, Is.EqualTo(new[] { FileA, FileB }));
        Assert.That(Read(g, 1, 3), Is.EqualTo(Bytes(FileA, 3, 4, 5).Concat(Bytes(FileB, 10, 11, 12, 13, 14, 15))));
        Assert.That(g.RangesFor(0, 5), Is.EqualTo(new[] { new ByteRange(FileA, 0, 6), new ByteRange(FileB, 10, 9) }));
    }

    [Test]
    public void AdjacentPartsOfOneFileCoalesce()
    {
        var g = new ConcatenatedRows([new ContiguousRows(FileA, 0, rows: 2, rowBytes: 4), new ContiguousRows(FileA, 8, rows: 2, rowBytes: 4)]);
        Assert.That(g.RangesFor(0, 4), Is.EqualTo(new[] { new ByteRange(FileA, 0, 16) }));
        Assert.That(g.Files, Is.EqualTo(new[] { FileA }));
    }

    [Test]
    public void JoinedColumnsInterleaveEachPartsRow()
    {
        var g = new JoinedColumns([new ContiguousRows(FileA, 0, rows: 3, rowBytes: 2), new ContiguousRows(FileB, 0, rows: 3, rowBytes: 4)]);
        Assert.That(g.RowBytes, Is.EqualTo(6));
        Assert.That(Read(g, 1, 2), Is.EqualTo(Bytes(FileA, 2, 3).Concat(Bytes(FileB, 4, 5, 6, 7)).Concat(Bytes(FileA, 4, 5)).Concat(Bytes(FileB, 8, 9, 10, 11))));
        Assert.That(g.RangesFor(0, 3), Has.Count.EqualTo(6));
    }

    [Test]
    public void PermutationOverConcatenationComposes()
    {
        // 13B's wq: two shards stacked along dim 0, then rows permuted over the whole.
        var stacked = new ConcatenatedRows([new ContiguousRows(FileA, 0, rows: 2, rowBytes: 2), new ContiguousRows(FileB, 0, rows: 2, rowBytes: 2)]);
        var g = new PermutedRows(stacked, [2, 0, 3, 1]);
        Assert.That(Read(g, 0, 4), Is.EqualTo(Bytes(FileB, 0, 1).Concat(Bytes(FileA, 0, 1)).Concat(Bytes(FileB, 2, 3)).Concat(Bytes(FileA, 2, 3))));
        Assert.That(g.Files, Is.EqualTo(new[] { FileA, FileB }));
    }

    [Test]
    public void InvalidGathersAreRefused()
    {
        var part = new ContiguousRows(FileA, 0, rows: 2, rowBytes: 2);
        Assert.Throws<ArgumentException>(() => _ = new PermutedRows(part, [0, 0]));
        Assert.Throws<ArgumentException>(() => _ = new PermutedRows(part, [0]));
        Assert.Throws<ArgumentException>(() => _ = new ConcatenatedRows([part, new ContiguousRows(FileB, 0, rows: 2, rowBytes: 3)]));
        Assert.Throws<ArgumentException>(() => _ = new JoinedColumns([part, new ContiguousRows(FileB, 0, rows: 3, rowBytes: 2)]));
        Assert.Throws<ArgumentOutOfRangeException>(() => part.RangesFor(1, 2));
    }
}
