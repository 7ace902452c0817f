using DeltaMerge.Formats.IO;
using DeltaMerge.Formats.Safetensors;

namespace DeltaMerge.Formats.Tests.Safetensors;

public sealed class SafetensorsWriterTests
{
    private static readonly SafetensorsTensorSpec[] Specs =
    [
        new("model.embed_tokens.weight", DType.F16, [3, 2]),
        new("empty", DType.F32, [0, 4]),
        new("weird \"name\"\\\n\u0001 ü 😀", DType.BF16, [1]),
        new("scalar", DType.I64, []),
    ];

    private static readonly Dictionary<string, string> Metadata = new() { ["format"] = "pt", ["z"] = "last", ["a"] = "first \"q\"" };

    private static byte[] Data(SafetensorsTensorSpec spec, int salt) =>
        [.. SafetensorsBytes.Pattern((int)spec.ByteLength).Select(b => unchecked((byte)(b + salt)))];

    private static byte[] WriteAll(IReadOnlyList<SafetensorsTensorSpec> specs, IReadOnlyDictionary<string, string>? metadata)
    {
        using var stream = new MemoryStream();
        using (var writer = new SafetensorsWriter(stream, specs, metadata, leaveOpen: true))
        {
            for (int i = 0; i < specs.Count; i++) writer.WriteTensor(specs[i].Name, Data(specs[i], i));
            writer.Complete();
            Assert.That(writer.TotalLength, Is.EqualTo(stream.Length));
        }
        return stream.ToArray();
    }

    [Test]
    public void RoundTripsThroughAFile()
    {
        string path = Path.Combine(Path.GetTempPath(), $"deltamerge-{Guid.NewGuid():N}.safetensors");
        try
        {
            File.WriteAllBytes(path, WriteAll(Specs, Metadata));
            using var reader = new FileByteReader(path);
            SafetensorsFile file = SafetensorsFile.Open(reader);
            Assert.That(file.Header.Metadata, Is.EquivalentTo(Metadata));
            Assert.That(file.Tensors.Select(t => (t.Name, t.DType, t.ShapeText, t.FilePath)),
                Is.EqualTo(Specs.Select(s => (s.Name, s.DType, TensorEntry.FormatShape(s.Shape), path))));
            for (int i = 0; i < Specs.Length; i++)
                Assert.That(file.ReadTensor(Specs[i].Name), Is.EqualTo(Data(Specs[i], i)), Specs[i].Name);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void SameInputsGiveSameBytes()
    {
        var reordered = new Dictionary<string, string> { ["a"] = Metadata["a"], ["z"] = Metadata["z"], ["format"] = Metadata["format"] };
        Assert.That(WriteAll(Specs, reordered), Is.EqualTo(WriteAll(Specs, Metadata)));
    }

    [Test]
    public void HeaderIsPaddedWithSpacesToAMultipleOfEight()
    {
        for (int nameLength = 0; nameLength < 2 * SafetensorsConstants.HeaderAlignment; nameLength++)
        {
            SafetensorsTensorSpec[] specs = [new(new string('x', nameLength), DType.U8, [1])];
            byte[] header = SafetensorsWriter.BuildHeader(specs, null);
            Assert.That(header.Length % SafetensorsConstants.HeaderAlignment, Is.Zero);
            Assert.That(BitConverter.ToUInt64(header, 0), Is.EqualTo((ulong)header.Length - 8));
            string json = System.Text.Encoding.UTF8.GetString(header, 8, header.Length - 8);
            Assert.That(json.TrimEnd(' '), Does.EndWith("}"));
            Assert.That(json.TrimEnd(' ').Length, Is.GreaterThan(json.Length - SafetensorsConstants.HeaderAlignment));
        }
    }

    [Test]
    public void ComputeFileSizeMatchesTheWrittenFile() =>
        Assert.That(SafetensorsWriter.ComputeFileSize(Specs, Metadata), Is.EqualTo(WriteAll(Specs, Metadata).Length));

    [Test]
    public void NoTensorsNoMetadata()
    {
        byte[] bytes = WriteAll([], null);
        Assert.That(bytes, Is.EqualTo(SafetensorsBytes.Build("{}      ", 0)));
        using var reader = new MemoryByteReader(bytes);
        Assert.That(SafetensorsHeader.Read(reader).Tensors, Is.Empty);
    }

    [Test]
    public void ChunkedWritesEqualWholeWrites()
    {
        using var stream = new MemoryStream();
        using (var writer = new SafetensorsWriter(stream, Specs, Metadata, leaveOpen: true))
        {
            for (int i = 0; i < Specs.Length; i++)
            {
                byte[] data = Data(Specs[i], i);
                // An empty tensor is written by one empty chunk; others in uneven chunks with an empty one between.
                if (data.Length == 0)
                {
                    writer.WriteTensorChunk(Specs[i].Name, []);
                    continue;
                }
                writer.WriteTensorChunk(Specs[i].Name, data.AsSpan(0, data.Length / 3));
                writer.WriteTensorChunk(Specs[i].Name, []);
                writer.WriteTensorChunk(Specs[i].Name, data.AsSpan(data.Length / 3));
            }
            writer.Complete();
        }
        Assert.That(stream.ToArray(), Is.EqualTo(WriteAll(Specs, Metadata)));
    }

    [Test]
    public void StateErrors()
    {
        using var stream = new MemoryStream();
        var writer = new SafetensorsWriter(stream, Specs, null, leaveOpen: true);
        Assert.Throws<InvalidOperationException>(() => writer.WriteTensor(Specs[1].Name, []), "out of order");
        Assert.Throws<InvalidOperationException>(() => writer.WriteTensor("nope", new byte[12]), "unknown name");
        Assert.Throws<InvalidOperationException>(() => writer.WriteTensor(Specs[0].Name, new byte[11]), "short");
        Assert.Throws<InvalidOperationException>(() => writer.WriteTensorChunk(Specs[0].Name, new byte[13]), "chunk too long");
        Assert.Throws<InvalidOperationException>(() => writer.Complete(), "incomplete");

        writer.WriteTensorChunk(Specs[0].Name, new byte[5]);
        Assert.Throws<InvalidOperationException>(() => writer.WriteTensor(Specs[0].Name, new byte[12]), "whole after chunk");
        writer.WriteTensorChunk(Specs[0].Name, new byte[7]);
        for (int i = 1; i < Specs.Length; i++) writer.WriteTensor(Specs[i].Name, new byte[Specs[i].ByteLength]);
        Assert.Throws<InvalidOperationException>(() => writer.WriteTensor("extra", []), "after the last");
        writer.Complete();
        Assert.Throws<InvalidOperationException>(() => writer.Complete(), "complete twice");
        writer.Dispose();
        Assert.Throws<ObjectDisposedException>(() => writer.WriteTensor(Specs[0].Name, []));
        Assert.That(stream.CanWrite, Is.True, "leaveOpen");
    }

    [Test]
    public void DisposeClosesTheStreamUnlessLeftOpen()
    {
        var stream = new MemoryStream();
        new SafetensorsWriter(stream, [], null).Dispose();
        Assert.That(stream.CanWrite, Is.False);
    }

    [Test]
    public void InvalidTensorListsAreCallerErrors()
    {
        using var stream = new MemoryStream();
        Assert.Throws<ArgumentException>(() => _ = new SafetensorsWriter(stream, [new("a", DType.U8, [1]), new("a", DType.U8, [1])], null, true));
        Assert.Throws<ArgumentException>(() => _ = new SafetensorsWriter(stream, [new(SafetensorsConstants.MetadataKey, DType.U8, [1])], null, true));
        Assert.Throws<ArgumentException>(() => _ = new SafetensorsWriter(stream, [new("a", DType.U8, [-1])], null, true));
        Assert.Throws<ArgumentException>(() => _ = new SafetensorsWriter(stream, [new("a", DType.F64, [long.MaxValue])], null, true));
        Assert.Throws<ArgumentException>(() => _ = new SafetensorsWriter(stream, [new("\ud800", DType.U8, [1])], null, true));
        Assert.That(stream.Length, Is.Zero, "nothing written on invalid input");
    }
}
