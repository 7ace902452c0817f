using System.Text;
using DeltaMerge.Formats.Pickle;

namespace DeltaMerge.Formats.Tests.Pickle;

/// <summary>One hand-made archive per validation rule of <see cref="TorchZipCheckpoint"/>.</summary>
public sealed class TorchZipCheckpointErrorTests
{
    private static readonly byte[] Version = "3\n"u8.ToArray();

    private static FakeTensor Dense(string name = "w", long numel = 6, long offset = 0, long[]? size = null, long[]? stride = null) =>
        new(name, "HalfStorage", "0", numel, offset, size ?? [2, 3], stride ?? [3, 1]);

    private static ZipBuilder.Result Archive(byte[] pickle, Dictionary<string, byte[]>? storages = null, string? byteOrder = "little",
        ushort pickleMethod = 0, bool zip64 = false, string prefix = "archive")
    {
        var entries = new List<ZipBuilder.Entry> { new($"{prefix}/data.pkl", pickle, pickleMethod) };
        if (byteOrder != null) entries.Add(new($"{prefix}/byteorder", Encoding.ASCII.GetBytes(byteOrder)));
        foreach ((string key, byte[] data) in storages ?? new() { ["0"] = new byte[12] })
            entries.Add(new($"{prefix}/data/{key}", data));
        entries.Add(new($"{prefix}/version", Version));
        return ZipBuilder.Build(entries, zip64);
    }

    private static CheckpointFormatException Fails(byte[] file, FormatErrorKind kind)
    {
        var e = Assert.Throws<CheckpointFormatException>(() => TorchZipCheckpoint.Read(new MemoryByteReader(file)))!;
        Assert.That(e.Kind, Is.EqualTo(kind), e.Message);
        Assert.That(e.FilePath, Is.EqualTo("memory.pt"));
        return e;
    }

    [Test]
    public void HandMadeArchiveReads()
    {
        byte[] storage = Enumerable.Range(1, 12).Select(i => (byte)i).ToArray();
        ZipBuilder.Result zip = Archive(PickleBuilder.StateDict(Dense(), Dense("tail", offset: 4, size: [2], stride: [1])),
            new() { ["0"] = storage });

        IReadOnlyList<TensorEntry> tensors = TorchZipCheckpoint.ReadTensors(new MemoryByteReader(zip.Bytes));

        long data = zip.DataOffsets["archive/data/0"];
        Assert.That(tensors, Has.Count.EqualTo(2));
        Assert.That(tensors[0], Is.EqualTo(new TensorEntry("w", DType.F16, [2, 3], "memory.pt", data, 12)).Using<TensorEntry>(SameEntry));
        Assert.That(tensors[1], Is.EqualTo(new TensorEntry("tail", DType.F16, [2], "memory.pt", data + 8, 4)).Using<TensorEntry>(SameEntry));
    }

    [Test]
    public void Zip64ArchiveReadsWithTheSameOffsets()
    {
        byte[] pickle = PickleBuilder.StateDict(Dense());
        ZipBuilder.Result zip = Archive(pickle, zip64: true);

        IReadOnlyList<TensorEntry> tensors = TorchZipCheckpoint.ReadTensors(new MemoryByteReader(zip.Bytes));

        Assert.That(tensors.Single().Offset, Is.EqualTo(zip.DataOffsets["archive/data/0"]));
        Assert.That(tensors.Single().ByteLength, Is.EqualTo(12));
    }

    [Test]
    public void SizeOneDimensionsAndEmptyTensorsMayHaveAnyStride()
    {
        byte[] pickle = PickleBuilder.StateDict(
            Dense("col", size: [6, 1], stride: [1, 99]),
            Dense("empty", numel: 6, size: [0, 3], stride: [7, 5]));

        IReadOnlyList<TensorEntry> tensors = TorchZipCheckpoint.ReadTensors(new MemoryByteReader(Archive(pickle).Bytes));

        Assert.That(tensors.Select(t => t.ByteLength), Is.EqualTo(new long[] { 12, 0 }));
    }

    [Test]
    public void NotAZip() => Fails("this is not a zip archive, just some text of moderate length"u8.ToArray(), FormatErrorKind.ZipNotAnArchive);

    [Test]
    public void TooShortForAZip() => Fails("PK"u8.ToArray(), FormatErrorKind.ZipNotAnArchive);

    [Test]
    public void TruncatedZipHasNoEndRecord()
    {
        byte[] file = Archive(PickleBuilder.StateDict(Dense())).Bytes;
        Fails(file[..(file.Length / 2)], FormatErrorKind.ZipNotAnArchive);
    }

    [Test]
    public void CentralDirectoryOutsideTheFileIsCorrupt()
    {
        byte[] file = Archive(PickleBuilder.StateDict(Dense())).Bytes;
        // The end record's central directory offset (bytes 16..19 of the last 22) now points past the record.
        BitConverter.TryWriteBytes(file.AsSpan(file.Length - 22 + 16), (uint)file.Length);
        Fails(file, FormatErrorKind.ZipCorrupt);
    }

    [Test]
    public void BadLocalHeaderSignatureIsCorrupt()
    {
        byte[] file = Archive(PickleBuilder.StateDict(Dense())).Bytes;
        file[0] = (byte)'X';
        Fails(file, FormatErrorKind.ZipCorrupt);
    }

    [Test]
    public void CompressedEntry() =>
        Fails(Archive(PickleBuilder.StateDict(Dense()), pickleMethod: 8).Bytes, FormatErrorKind.ZipCompressedEntry);

    [Test]
    public void MissingPickle()
    {
        byte[] file = ZipBuilder.Build([new("archive/version", Version)]).Bytes;
        Fails(file, FormatErrorKind.ZipEntryMissing);
    }

    [Test]
    public void MissingStorage()
    {
        byte[] pickle = PickleBuilder.StateDict(Dense() with { Key = "7" });
        CheckpointFormatException e = Fails(Archive(pickle).Bytes, FormatErrorKind.ZipEntryMissing);
        Assert.That(e.TensorName, Is.EqualTo("w"));
    }

    [Test]
    public void BigEndianByteOrder() =>
        Fails(Archive(PickleBuilder.StateDict(Dense()), byteOrder: "big").Bytes, FormatErrorKind.UnsupportedByteOrder);

    [Test]
    public void MissingByteOrderMeansLittleEndian() =>
        Assert.That(TorchZipCheckpoint.ReadTensors(new MemoryByteReader(Archive(PickleBuilder.StateDict(Dense()), byteOrder: null).Bytes)), Has.Count.EqualTo(1));

    [Test]
    public void NonContiguousTensor()
    {
        CheckpointFormatException e = Fails(Archive(PickleBuilder.StateDict(Dense(size: [3, 2], stride: [1, 3]))).Bytes,
            FormatErrorKind.NonContiguousTensor);
        Assert.That(e.TensorName, Is.EqualTo("w"));
    }

    [Test]
    public void ViewPastTheEndOfItsStorage() =>
        Fails(Archive(PickleBuilder.StateDict(Dense(offset: 1))).Bytes, FormatErrorKind.StorageOutOfRange);

    [Test]
    public void StorageEntrySmallerThanDeclared() =>
        Fails(Archive(PickleBuilder.StateDict(Dense()), new() { ["0"] = new byte[10] }).Bytes, FormatErrorKind.StorageOutOfRange);

    [Test]
    public void NegativeDimension() =>
        Fails(Archive(PickleBuilder.StateDict(Dense(size: [-2, 3]))).Bytes, FormatErrorKind.InvalidShape);

    [Test]
    public void TopLevelListIsUnexpected()
    {
        byte[] pickle = new PickleBuilder().Proto().EmptyList().Stop().ToArray();
        Fails(Archive(pickle).Bytes, FormatErrorKind.PickleUnexpectedStructure);
    }

    [Test]
    public void NonTensorValueIsUnexpected()
    {
        byte[] pickle = new PickleBuilder().Proto().EmptyDict().Mark().Unicode("epoch").Int(3).SetItems().Stop().ToArray();
        CheckpointFormatException e = Fails(Archive(pickle).Bytes, FormatErrorKind.PickleUnexpectedStructure);
        Assert.That(e.TensorName, Is.EqualTo("epoch"));
    }

    [Test]
    public void UnknownOpcodeOffsetIsAbsoluteInTheFile()
    {
        // POP (0x30) right after PROTO: offset 2 of data.pkl.
        byte[] pickle = new PickleBuilder().Proto().Raw(0x30).Stop().ToArray();
        ZipBuilder.Result zip = Archive(pickle);
        CheckpointFormatException e = Fails(zip.Bytes, FormatErrorKind.PickleUnsupportedOpcode);
        Assert.That(e.ByteOffset, Is.EqualTo(zip.DataOffsets["archive/data.pkl"] + 2));
    }

    [Test]
    public void LegacyPickleStream()
    {
        // What torch.save(_use_new_zipfile_serialization=False) starts with: the magic number as a LONG1.
        byte[] file = [0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19, 0x2e];
        Fails(file, FormatErrorKind.LegacyTorchFormat);
    }

    private static bool SameEntry(TensorEntry a, TensorEntry b) =>
        a.Name == b.Name && a.DType == b.DType && a.Shape.SequenceEqual(b.Shape) && a.FilePath == b.FilePath
        && a.Offset == b.Offset && a.ByteLength == b.ByteLength;
}
