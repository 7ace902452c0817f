using DeltaMerge.Formats;

namespace DeltaMerge.Fuzz.Tests;

/// <summary>The contract itself tells a data error from a bug, and catches unbounded allocation.</summary>
public sealed class ContractTests
{
    [Test]
    public void ADataErrorWithAKindKeepsTheContract() =>
        FuzzContract.Run(new FuzzTarget("t", _ => throw new CheckpointFormatException(FormatErrorKind.GgufTruncated, "short")), [1]);

    [Test]
    public void AnyOtherExceptionEscapes() =>
        Assert.Throws<IndexOutOfRangeException>(() => FuzzContract.Run(new FuzzTarget("t", b => _ = b[b.Length]), [1]));

    [Test]
    public void AllocationSizedByAHeaderFieldIsAViolation()
    {
        // What an unchecked count does: allocate what the file claims, not what it holds.
        var target = new FuzzTarget("t", b => GC.KeepAlive(new byte[FuzzContract.FixedAllocationBytes + 1024 * b.Length]));
        Assert.Throws<ContractViolationException>(() => FuzzContract.Run(target, new byte[16]));
    }

    [Test]
    public void SplitFilesGivesMissingFilesAsNull()
    {
        Assert.That(FuzzTargets.SplitFiles("a\0b"u8.ToArray(), 3), Is.EqualTo(new[] { "a", "b", null }));
        Assert.That(FuzzTargets.SplitFiles("a\0"u8.ToArray(), 2), Is.EqualTo(new[] { "a", "" }));
    }
}
