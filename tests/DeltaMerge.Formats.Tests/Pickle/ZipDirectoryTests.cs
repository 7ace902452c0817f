using DeltaMerge.Formats.Pickle;

namespace DeltaMerge.Formats.Tests.Pickle;

/// <summary>The central directory reader on hand-made archives.</summary>
public sealed class ZipDirectoryTests
{
    [TestCase(false)]
    [TestCase(true)]
    public void EntriesAndDataOffsets(bool zip64)
    {
        ZipBuilder.Result zip = ZipBuilder.Build([new("a/data.pkl", [1, 2, 3]), new("a/data/0", new byte[100]), new("a/version", [])], zip64);
        var reader = new MemoryByteReader(zip.Bytes);

        ZipDirectory directory = ZipDirectory.Read(reader);

        Assert.That(directory.Entries.Select(e => e.Name), Is.EqualTo(new[] { "a/data.pkl", "a/data/0", "a/version" }));
        Assert.That(directory.Entries.Select(e => e.UncompressedSize), Is.EqualTo(new long[] { 3, 100, 0 }));
        foreach (ZipEntry entry in directory.Entries)
            Assert.That(directory.GetStoredDataOffset(entry), Is.EqualTo(zip.DataOffsets[entry.Name]), entry.Name);
    }

    [Test]
    public void EndRecordIsFoundBeforeAComment()
    {
        byte[] zip = ZipBuilder.Build([new("a/data.pkl", [1])]).Bytes;
        byte[] comment = "a comment with PK\u0005\u0006 in it"u8.ToArray();
        BitConverter.TryWriteBytes(zip.AsSpan(zip.Length - 2), (ushort)comment.Length);

        ZipDirectory directory = ZipDirectory.Read(new MemoryByteReader([.. zip, .. comment]));

        Assert.That(directory.Entries.Single().Name, Is.EqualTo("a/data.pkl"));
    }

    [Test]
    public void Zip64MarkersWithoutLocatorAreCorrupt()
    {
        byte[] zip = ZipBuilder.Build([new("a/data.pkl", [1])]).Bytes;
        BitConverter.TryWriteBytes(zip.AsSpan(zip.Length - 22 + 16), uint.MaxValue);

        var e = Assert.Throws<CheckpointFormatException>(() => ZipDirectory.Read(new MemoryByteReader(zip)))!;

        Assert.That(e.Kind, Is.EqualTo(FormatErrorKind.ZipCorrupt));
    }

    [Test]
    public void DuplicateNamesAreCorrupt()
    {
        byte[] zip = ZipBuilder.Build([new("a/x", [1]), new("a/x", [2])]).Bytes;

        var e = Assert.Throws<CheckpointFormatException>(() => ZipDirectory.Read(new MemoryByteReader(zip)))!;

        Assert.That(e.Kind, Is.EqualTo(FormatErrorKind.ZipCorrupt));
    }
}
