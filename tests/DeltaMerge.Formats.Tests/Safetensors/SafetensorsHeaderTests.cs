using DeltaMerge.Formats.Safetensors;

namespace DeltaMerge.Formats.Tests.Safetensors;

/// <summary>Valid headers: what the reader produces.</summary>
public sealed class SafetensorsHeaderTests
{
    /// <summary>The bytes the Rust library writes for one F16 [2] tensor and <c>{"format":"pt"}</c> metadata (85 bytes of JSON + 3 spaces).</summary>
    private static readonly byte[] RustFixture =
    [
        88, 0, 0, 0, 0, 0, 0, 0,
        .. """{"__metadata__":{"format":"pt"},"a":{"dtype":"F16","shape":[2],"data_offsets":[0,4]}}   """u8.ToArray(),
        0x00, 0x3C, 0x00, 0x40, // 1.0, 2.0 in F16
    ];

    [Test]
    public void ReadsTheReferenceLayout()
    {
        using var reader = new MemoryByteReader(RustFixture);
        SafetensorsFile file = SafetensorsFile.Open(reader);
        Assert.That(file.Header.DataStart, Is.EqualTo(96));
        Assert.That(file.Header.Metadata, Is.EquivalentTo(new Dictionary<string, string> { ["format"] = "pt" }));
        TensorEntry a = file.Tensors.Single();
        Assert.That((a.Name, a.DType, a.Shape, a.Offset, a.ByteLength, a.FilePath),
            Is.EqualTo(("a", DType.F16, new long[] { 2 }, 96L, 4L, MemoryByteReader.DefaultPath)));
        Assert.That(file.ReadTensor("a"), Is.EqualTo(new byte[] { 0x00, 0x3C, 0x00, 0x40 }));
    }

    [Test]
    public void WriterProducesTheReferenceBytes()
    {
        using var stream = new MemoryStream();
        using (var writer = new SafetensorsWriter(stream, [new SafetensorsTensorSpec("a", DType.F16, [2])],
                   new Dictionary<string, string> { ["format"] = "pt" }, leaveOpen: true))
        {
            writer.WriteTensor("a", [0x00, 0x3C, 0x00, 0x40]);
            writer.Complete();
        }
        Assert.That(stream.ToArray(), Is.EqualTo(RustFixture));
    }

    [Test]
    public void ZeroTensorsIsValid()
    {
        using var reader = new MemoryByteReader(SafetensorsBytes.Build("{}", 0));
        SafetensorsHeader header = SafetensorsHeader.Read(reader);
        Assert.That(header.Tensors, Is.Empty);
        Assert.That(header.Metadata, Is.Empty);
        Assert.That(header.DataStart, Is.EqualTo(10));
    }

    [Test]
    public void EntriesAreOrderedByOffsetWithAbsoluteOffsets()
    {
        const string json =
            """{"b":{"dtype":"F32","shape":[1,2],"data_offsets":[4,12]},"e":{"dtype":"BF16","shape":[0,3],"data_offsets":[4,4]},"a":{"dtype":"F16","shape":[2],"data_offsets":[0,4]}}""";
        byte[] bytes = SafetensorsBytes.Build(json, 12);
        using var reader = new MemoryByteReader(bytes);
        SafetensorsFile file = SafetensorsFile.Open(reader);
        long start = 8 + json.Length;
        Assert.That(file.Tensors.Select(t => (t.Name, t.Offset, t.ByteLength)),
            Is.EqualTo(new[] { ("a", start, 4L), ("e", start + 4, 0L), ("b", start + 4, 8L) }));
        Assert.That(file.Header.TryGetTensor("b", out TensorEntry? b), Is.True);
        var data = new byte[8];
        file.ReadTensor(b!, data);
        Assert.That(data, Is.EqualTo(SafetensorsBytes.Pattern(12)[4..]));
    }

    [Test]
    public void ReadTensorRejectsForeignEntryAndWrongLength()
    {
        using var reader = new MemoryByteReader(SafetensorsBytes.Build(SafetensorsBytes.TwoTensors, 12));
        SafetensorsFile file = SafetensorsFile.Open(reader);
        TensorEntry a = file.Tensors[0];
        Assert.Throws<ArgumentException>(() => file.ReadTensor(a with { Offset = a.Offset + 1 }, new byte[4]));
        Assert.Throws<ArgumentException>(() => file.ReadTensor(a, new byte[3]));
        Assert.Throws<ArgumentException>(() => file.ReadTensor("missing"));
    }
}
