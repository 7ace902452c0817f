using CsCheck;
using DeltaMerge.Formats.Gguf;
using DeltaMerge.Formats.Tests.Safetensors;

namespace DeltaMerge.Formats.Tests.Gguf;

/// <summary>Random metadata and tensor sets survive write → read unchanged, with the layout predicted up front.</summary>
public sealed class GgufPropertyTests
{
    private static readonly Gen<string> Name =
        Gen.OneOf("a", "b", ".", "é", "😀", "_", "{arch}", "\n").Array[1, 5].Select(parts => string.Concat(parts));

    private static readonly Gen<GgufValue> Scalar = Gen.OneOf(
        Gen.Byte.Select(GgufValue.UInt8), Gen.SByte.Select(GgufValue.Int8), Gen.UShort.Select(GgufValue.UInt16),
        Gen.Short.Select(GgufValue.Int16), Gen.UInt.Select(GgufValue.UInt32), Gen.Int.Select(GgufValue.Int32),
        Gen.Float.Select(GgufValue.Float32), Gen.Bool.Select(GgufValue.Bool), Name.Select(GgufValue.String),
        Gen.ULong.Select(GgufValue.UInt64), Gen.Long.Select(GgufValue.Int64), Gen.Double.Select(GgufValue.Float64));

    private static readonly Gen<GgufValue> Value = Gen.OneOf(
        Scalar,
        Name.Array[0, 4].Select(a => GgufValue.StringArray(a)),
        Gen.Float.Array[0, 4].Select(a => GgufValue.Float32Array(a)),
        Gen.Int.Array[0, 4].Select(a => GgufValue.Int32Array(a)),
        Gen.UShort.Array[0, 4].Select(a => GgufValue.Array(GgufValueType.UInt16, a)));

    private static readonly Gen<GgmlType> TensorType = Gen.OneOf(Gen.Const(GgmlType.F32), Gen.Const(GgmlType.F16), Gen.Const(GgmlType.BF16),
        Gen.Const(GgmlType.Q8_0), Gen.Const(GgmlType.I32));

    private static readonly Gen<GgufTensorSpec> Tensor =
        Gen.Select(Name, TensorType, Gen.Long[1, 3].Array[0, 3], Gen.Long[1, 3]).Select((name, type, outer, inner) =>
            new GgufTensorSpec(name, type, [.. outer, inner * GgmlTypeInfo.BlockSize(type)]));

    [Test]
    public void RoundTrip() =>
        Gen.Select(Gen.Select(Name, Value).Array[0, 6], Tensor.Array[0, 5], Gen.OneOf(Gen.Const(0u), Gen.Const(1u), Gen.Const(64u)), Gen.Int)
            .Sample((kvs, rawTensors, alignment, seed) =>
            {
                List<GgufKeyValue> metadata = [.. kvs.DistinctBy(kv => kv.Item1).Select(kv => new GgufKeyValue(kv.Item1, kv.Item2))];
                if (alignment != 0) metadata.Add(new GgufKeyValue(GgufKeys.GeneralAlignment, GgufValue.UInt32(alignment)));
                GgufTensorSpec[] tensors = [.. rawTensors.DistinctBy(t => t.Name)];
                var random = new Random(seed);
                byte[][] data = [.. tensors.Select(t => { var d = new byte[GgmlTypeInfo.ByteSize(t.Type, t.Shape)]; random.NextBytes(d); return d; })];

                using var stream = new MemoryStream();
                using (var writer = new GgufWriter(stream, leaveOpen: true))
                {
                    foreach (GgufKeyValue kv in metadata) writer.AddValue(kv.Key, kv.Value);
                    foreach (GgufTensorSpec t in tensors) writer.AddTensorInfo(t.Name, t.Type, t.Shape);
                    writer.WriteHeaderAndInfos();
                    for (int i = 0; i < tensors.Length; i++) writer.WriteTensor(tensors[i].Name, data[i]);
                    writer.Complete();
                }
                byte[] bytes = stream.ToArray();
                GgufLayout layout = GgufLayout.Compute(metadata, tensors);
                Assert.That(bytes.Length, Is.EqualTo(layout.FileLength));

                using var reader = new MemoryByteReader(bytes);
                GgufReader gguf = GgufReader.Open(reader);
                Assert.That(gguf.Metadata, Is.EqualTo(metadata));
                Assert.That(gguf.Alignment, Is.EqualTo(alignment == 0 ? GgufConstants.DefaultAlignment : (int)alignment));
                Assert.That(gguf.Tensors.Select(t => (t.Name, t.Type, TensorEntry.FormatShape(t.Shape), t.Offset)),
                    Is.EqualTo(tensors.Select((t, i) => (t.Name, t.Type, TensorEntry.FormatShape(t.Shape), layout.Tensors[i].Offset))));
                for (int i = 0; i < tensors.Length; i++) Assert.That(gguf.ReadTensor(tensors[i].Name), Is.EqualTo(data[i]));
            }, iter: 200);

    [Test]
    public void TruncationsNeverCrash() =>
        Gen.Int[0, 1000].Sample(cut =>
        {
            GgufKeyValue[] metadata = [new("general.architecture", GgufValue.String("llama")), new("v", GgufValue.StringArray(["a", "bb"]))];
            GgufTensorSpec[] tensors = [new("t", GgmlType.Q8_0, [2, 32])];
            using var stream = new MemoryStream();
            using (var writer = new GgufWriter(stream, leaveOpen: true))
            {
                foreach (GgufKeyValue kv in metadata) writer.AddValue(kv.Key, kv.Value);
                writer.AddTensorInfo("t", GgmlType.Q8_0, [2, 32]);
                writer.WriteHeaderAndInfos();
                writer.WriteTensor("t", new byte[68]);
                writer.Complete();
            }
            byte[] bytes = stream.ToArray();
            byte[] cutBytes = bytes[..Math.Min(cut, bytes.Length)];
            using var reader = new MemoryByteReader(cutBytes);
            if (cutBytes.Length < GgufLayout.Compute(metadata, tensors).Tensors[0].Offset + 68)
                Assert.Throws<CheckpointFormatException>(() => GgufReader.Open(reader));
            else
                Assert.That(GgufReader.Open(reader).Tensors.Count, Is.EqualTo(1));
        }, iter: 300);
}
