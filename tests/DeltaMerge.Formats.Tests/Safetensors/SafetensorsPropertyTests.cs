using CsCheck;
using DeltaMerge.Formats.Safetensors;

namespace DeltaMerge.Formats.Tests.Safetensors;

/// <summary>Random tensor sets survive write → read unchanged.</summary>
public sealed class SafetensorsPropertyTests
{
    // Whole strings, so surrogate pairs stay paired.
    private static readonly Gen<string> Name =
        Gen.OneOf("a", "b", ".", "\"", "\\", "\n", "\u0001", "é", "😀", "_", SafetensorsConstants.MetadataKey).Array[0, 4]
            .Select(parts => string.Concat(parts));

    private static readonly Gen<(string Name, DType DType, long[] Shape)[]> Tensors =
        Gen.Select(Name, Gen.Enum<DType>(), Gen.Long[0, 3].Array[0, 3]).Array[0, 6];

    private static readonly Gen<(string Key, string Value)[]> MetadataItems = Gen.Select(Name, Name).Array[0, 3];

    [Test]
    public void RoundTrip() =>
        Gen.Select(Tensors, MetadataItems, Gen.Int).Sample((raw, items, seed) =>
        {
            SafetensorsTensorSpec[] specs =
                [.. raw.DistinctBy(t => t.Name).Where(t => t.Name != SafetensorsConstants.MetadataKey).Select(t => new SafetensorsTensorSpec(t.Name, t.DType, t.Shape))];
            Dictionary<string, string> metadata = items.DistinctBy(kv => kv.Key).ToDictionary(kv => kv.Key, kv => kv.Value);
            var random = new Random(seed);
            byte[][] data = [.. specs.Select(s => { var d = new byte[s.ByteLength]; random.NextBytes(d); return d; })];

            using var stream = new MemoryStream();
            using (var writer = new SafetensorsWriter(stream, specs, metadata, leaveOpen: true))
            {
                for (int i = 0; i < specs.Length; i++) writer.WriteTensor(specs[i].Name, data[i]);
                writer.Complete();
            }
            byte[] bytes = stream.ToArray();
            Assert.That(bytes.Length, Is.EqualTo(SafetensorsWriter.ComputeFileSize(specs, metadata)));

            using var reader = new MemoryByteReader(bytes);
            SafetensorsFile file = SafetensorsFile.Open(reader);
            Assert.That(file.Header.DataStart % SafetensorsConstants.HeaderAlignment, Is.Zero);
            Assert.That(file.Header.Metadata, Is.EquivalentTo(metadata));
            Assert.That(file.Tensors.Select(t => (t.Name, t.DType, t.ShapeText)),
                Is.EqualTo(specs.Select(s => (s.Name, s.DType, TensorEntry.FormatShape(s.Shape)))));
            for (int i = 0; i < specs.Length; i++) Assert.That(file.ReadTensor(specs[i].Name), Is.EqualTo(data[i]));
        }, iter: 300);
}
