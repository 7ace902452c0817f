using DeltaMerge.Eval.Data;
using DeltaMerge.Tests.Shared;

namespace DeltaMerge.Eval.Tests;

/// <summary>
/// Declared sizes in a Parquet file's footer and page headers are checked before Parquet.Net allocates for them:
/// the Thrift walk on its own, and the loader refusing edited files with the Parquet kind and little memory.
/// </summary>
public sealed class ParquetBoundsTests
{
    private static EvalDataException Refused(string path, out long allocated)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<EvalDataException>(() => EvalDataLoader.Load(EvalFixtures.Task("copa"), path))!;
        allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.That(e.Kind, Is.EqualTo(EvalDataErrorKind.Parquet), e.Message);
        return e;
    }

    [Test]
    public void AFooterStringLongerThanTheFileIsRefusedBeforeItIsAllocated()
    {
        // A fuzzed COPA file whose schema names a column with a 268,435,455-byte string (Parquet.Net allocated it).
        string path = Path.Combine(RepoPaths.Root, "tests", "fuzz-regressions", "eval-parquet", "schema-name-length-268mb.parquet");
        var e = Refused(path, out long allocated);
        Assert.That(e.Message, Does.Contain("the footer is not valid Thrift").And.Contain("268435455"));
        Assert.That(allocated, Is.LessThan(4 << 20));
    }

    [Test]
    public void APageHeaderWithANegativeSizeIsRefused()
    {
        using var temp = new TempDirectory();
        string path = temp.Sub("copa.parquet");
        HfParquet.WriteCopa(path, EvalFixtures.Load("copa", "copa.jsonl").Examples);
        Assert.That(EvalDataLoader.Load(EvalFixtures.Task("copa"), path).Examples, Has.Count.EqualTo(4), "the file as written loads");
        byte[] bytes = File.ReadAllBytes(path);
        // The first page header follows "PAR1": field 1 (type, i32 0) then field 2 (uncompressed size, a varint).
        Assert.That(bytes[4..7], Is.EqualTo(new byte[] { 0x15, 0x00, 0x15 }), "the first page header as Parquet.Net writes it");
        int end = 7;
        while ((bytes[end] & 0x80) != 0) end++;
        // The same number of bytes, now zigzag 1 = -1.
        for (int i = 7; i <= end; i++) bytes[i] = (byte)(i == end ? 0x00 : 0x80);
        bytes[7] |= 0x01;
        File.WriteAllBytes(path, bytes);
        var e = Refused(path, out _);
        Assert.That(e.Message, Does.Contain("a page of column premise declares").And.Contain("(-1 uncompressed)"));
    }

    [Test]
    public void TheWalkKeepsIntegerFieldsByPath()
    {
        // struct { 1: i32 3, 5: struct { 1: i32 -2 }, 6: binary "ab", 7: list<i32> [1, 2] }
        byte[] bytes = [0x15, 0x06, 0x4C, 0x15, 0x03, 0x00, 0x18, 0x02, (byte)'a', (byte)'b', 0x19, 0x25, 0x02, 0x04, 0x00];
        var walk = ThriftCompactWalker.Walk(bytes);
        Assert.That(walk.Length, Is.EqualTo(bytes.Length));
        Assert.That(walk.Integers, Is.EquivalentTo(new Dictionary<string, long> { ["1"] = 3, ["5.1"] = -2 }));
    }

    [TestCase(new byte[] { 0x18, 0xFF, 0xFF, 0xFF, 0x7F, 0x00 }, "binary field declares 268435455")]
    [TestCase(new byte[] { 0x19, 0xF5, 0xFF, 0xFF, 0x03, 0x00 }, "list declares 65535")]
    [TestCase(new byte[] { 0x15, 0x02 }, "runs past its bytes")]
    [TestCase(new byte[] { 0x15, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01, 0x00 }, "longer than 10 bytes")]
    [TestCase(new byte[] { 0x1D, 0x00 }, "unknown Thrift type 13")]
    [TestCase(new byte[] { 0x19, 0x29, 0x00, 0x00, 0x00 }, "a list of lists")]
    [TestCase(new byte[] { 0x19, 0x1A, 0x00, 0x00 }, "a set")]
    [TestCase(new byte[] { 0x1B, 0x00, 0x00 }, "a map")]
    public void TheWalkRefusesWhatTheBytesCannotHold(byte[] bytes, string message)
    {
        var e = Assert.Throws<FormatException>(() => ThriftCompactWalker.Walk(bytes))!;
        Assert.That(e.Message, Does.Contain(message));
    }

    [Test]
    public void TheWalkRefusesAFieldWhoseWireTypeParquetDefinesOtherwise()
    {
        // FileMetaData field 6 (created_by) is a string; here a list of 6 bytes. Parquet.Net read it as something else
        // and sized a list from the bytes after it (5 GB for this 817-byte file).
        byte[] bytes = [0x69, 0x63, 1, 2, 3, 4, 5, 6, 0x00];
        Assert.That(ThriftCompactWalker.Walk(bytes).Length, Is.EqualTo(bytes.Length), "well-formed Thrift");
        var e = Assert.Throws<FormatException>(() => ThriftCompactWalker.Walk(bytes, ParquetThriftShape.FileMetaData))!;
        Assert.That(e.Message, Does.Contain("field 6 has wire type 9 of 3, which Parquet defines as 8"));
        string path = Path.Combine(RepoPaths.Root, "tests", "fuzz-regressions", "eval-parquet", "created-by-as-list-allocates-5gb.parquet");
        Assert.That(Refused(path, out long allocated).Message, Does.Contain("the footer is not valid Thrift"));
        Assert.That(allocated, Is.LessThan(4 << 20));
    }

    [Test]
    public void TheWalkRefusesDeepNesting()
    {
        // Field 1 of type struct, 40 levels deep: far beyond any Parquet struct, and a recursion guard.
        byte[] bytes = [.. Enumerable.Repeat((byte)0x1C, 40), .. Enumerable.Repeat((byte)0x00, 41)];
        Assert.That(Assert.Throws<FormatException>(() => ThriftCompactWalker.Walk(bytes))!.Message, Does.Contain("nested deeper than 32"));
    }
}
