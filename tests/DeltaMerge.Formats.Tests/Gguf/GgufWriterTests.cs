using System.Buffers.Binary;
using DeltaMerge.Formats.Gguf;
using DeltaMerge.Formats.SentencePiece;
using DeltaMerge.Formats.Tests.Safetensors;

namespace DeltaMerge.Formats.Tests.Gguf;

/// <summary>Writer → reader round trips, byte layout, determinism and call-order guards.</summary>
public sealed class GgufWriterTests
{
    private static readonly GgufKeyValue[] EveryValueType =
    [
        new(GgufKeys.GeneralArchitecture, GgufValue.String("llama")),
        new("t.u8", GgufValue.UInt8(250)),
        new("t.i8", GgufValue.Int8(-5)),
        new("t.u16", GgufValue.UInt16(65000)),
        new("t.i16", GgufValue.Int16(-30000)),
        new("t.u32", GgufValue.UInt32(4_000_000_000)),
        new("t.i32", GgufValue.Int32(-2_000_000_000)),
        new("t.f32", GgufValue.Float32(-0.0f)),
        new("t.bool", GgufValue.Bool(true)),
        new("t.str", GgufValue.String("héllo ▁world 😀")),
        new("t.empty", GgufValue.String("")),
        new("t.u64", GgufValue.UInt64(ulong.MaxValue)),
        new("t.i64", GgufValue.Int64(long.MinValue)),
        new("t.f64", GgufValue.Float64(Math.PI)),
        new("t.arr.str", GgufValue.StringArray(["<unk>", "<s>", "", "▁the"])),
        new("t.arr.f32", GgufValue.Float32Array([0f, -1.5f, float.NaN])),
        new("t.arr.i32", GgufValue.Int32Array([1, 2, 3, 6])),
        new("t.arr.u8", GgufValue.Array(GgufValueType.UInt8, new byte[] { 1, 2 })),
        new("t.arr.bool", GgufValue.Array(GgufValueType.Bool, new[] { true, false })),
        new("t.arr.f64", GgufValue.Array(GgufValueType.Float64, new[] { 1.0, -2.0 })),
        new("t.arr.empty", GgufValue.Array(GgufValueType.UInt64, Array.Empty<ulong>())),
    ];

    private static readonly GgufTensorSpec[] EveryTensorType =
    [
        new("token_embd.weight", GgmlType.F16, [3, 64]),
        new("blk.0.attn_q.weight", GgmlType.Q8_0, [2, 64]),
        new("blk.0.attn_norm.weight", GgmlType.F32, [5]),
        new("output.weight", GgmlType.BF16, [1, 1, 2, 3]),
        new("i8", GgmlType.I8, [7]),
        new("q4k", GgmlType.Q4_K, [256]),
    ];

    private static (byte[] File, byte[][] Data) Write(IReadOnlyList<GgufKeyValue> metadata, IReadOnlyList<GgufTensorSpec> tensors, int chunk = 0)
    {
        var random = new Random(7);
        byte[][] data = [.. tensors.Select(t => { var d = new byte[GgmlTypeInfo.ByteSize(t.Type, t.Shape)]; random.NextBytes(d); return d; })];
        using var stream = new MemoryStream();
        using (var writer = new GgufWriter(stream, leaveOpen: true))
        {
            foreach (GgufKeyValue kv in metadata) writer.AddValue(kv.Key, kv.Value);
            foreach (GgufTensorSpec t in tensors) writer.AddTensorInfo(t.Name, t.Type, t.Shape);
            writer.WriteHeaderAndInfos();
            for (int i = 0; i < tensors.Count; i++)
            {
                if (chunk == 0) writer.WriteTensor(tensors[i].Name, data[i]);
                else for (int o = 0; o < data[i].Length; o += chunk) writer.WriteTensorChunk(tensors[i].Name, data[i].AsSpan(o, Math.Min(chunk, data[i].Length - o)));
            }
            writer.Complete();
        }
        return (stream.ToArray(), data);
    }

    [Test]
    public void RoundTripsEveryValueTypeAndTensorType()
    {
        (byte[] file, byte[][] data) = Write(EveryValueType, EveryTensorType);
        using var reader = new MemoryByteReader(file);
        GgufReader gguf = GgufReader.Open(reader);

        Assert.That(gguf.Version, Is.EqualTo(GgufConstants.Version));
        Assert.That(gguf.Metadata, Is.EqualTo(EveryValueType));
        Assert.That(gguf.Tensors.Select(t => (t.Name, t.Type, TensorEntry.FormatShape(t.Shape))),
            Is.EqualTo(EveryTensorType.Select(t => (t.Name, t.Type, TensorEntry.FormatShape(t.Shape)))));
        for (int i = 0; i < data.Length; i++) Assert.That(gguf.ReadTensor(EveryTensorType[i].Name), Is.EqualTo(data[i]));
        Assert.That(gguf.Tensors.All(t => (t.Offset - gguf.DataOffset) % GgufConstants.DefaultAlignment == 0));
        Assert.That(gguf.DataOffset % GgufConstants.DefaultAlignment, Is.Zero);

        GgufLayout layout = GgufLayout.Compute(EveryValueType, EveryTensorType);
        Assert.That(file.Length, Is.EqualTo(layout.FileLength));
        Assert.That(gguf.Tensors.Select(t => t.Offset), Is.EqualTo(layout.Tensors.Select(t => t.Offset)));
    }

    [Test]
    public void DimsAreStoredInnermostFirst()
    {
        (byte[] file, _) = Write([], [new("w", GgmlType.F32, [3, 5])]);
        using var reader = new MemoryByteReader(file);
        GgufTensorInfo t = GgufReader.Open(reader).Tensors[0];
        Assert.That(t.Dims, Is.EqualTo(new long[] { 5, 3 }));
        Assert.That(t.Shape, Is.EqualTo(new long[] { 3, 5 }));
        // Header (24) + name (8 + 1) + n_dims (4), then ne[0] = 5.
        Assert.That(BinaryPrimitives.ReadUInt64LittleEndian(file.AsSpan(24 + 9 + 4)), Is.EqualTo(5UL));
        TensorEntry entry = t.ToTensorEntry("x")!;
        Assert.That((entry.DType, entry.ShapeText, entry.ByteLength), Is.EqualTo((DType.F32, "[3, 5]", 60L)));
    }

    [Test]
    public void ExactBytesOfASmallFile()
    {
        (byte[] file, byte[][] data) = Write([new("general.architecture", GgufValue.String("llama"))], [new("a", GgmlType.F32, [1])]);
        byte[] expected = GgufBytes.Header(1, 1).Str("general.architecture").U32(8).Str("llama").Tensor("a", 0, 0, 1).Pad()
            .Raw(data[0]).Pad().ToArray();
        Assert.That(file, Is.EqualTo(expected));
    }

    [Test]
    public void CustomAlignmentPadsEveryTensor()
    {
        GgufKeyValue[] metadata = [new(GgufKeys.GeneralAlignment, GgufValue.UInt32(128))];
        GgufTensorSpec[] tensors = [new("a", GgmlType.F32, [3]), new("b", GgmlType.F16, [5])];
        (byte[] file, _) = Write(metadata, tensors);
        using var reader = new MemoryByteReader(file);
        GgufReader gguf = GgufReader.Open(reader);
        Assert.That(gguf.Alignment, Is.EqualTo(128));
        Assert.That(gguf.Tensors.Select(t => t.Offset - gguf.DataOffset), Is.EqualTo(new long[] { 0, 128 }));
        Assert.That(file.Length, Is.EqualTo(gguf.DataOffset + 256));
    }

    [Test]
    public void ChunkedAndWholeWritesGiveTheSameBytes()
    {
        byte[] whole = Write(EveryValueType, EveryTensorType).File;
        Assert.That(Write(EveryValueType, EveryTensorType, chunk: 5).File, Is.EqualTo(whole));
        Assert.That(Write(EveryValueType, EveryTensorType).File, Is.EqualTo(whole)); // deterministic
    }

    [Test]
    public void OutOfOrderCallsThrow()
    {
        using var stream = new MemoryStream();
        using var writer = new GgufWriter(stream, leaveOpen: true);
        writer.AddUInt32("a", 1);
        Assert.Throws<ArgumentException>(() => writer.AddUInt32("a", 2));
        Assert.Throws<ArgumentException>(() => writer.AddUInt32(GgufKeys.GeneralAlignment, 48));
        writer.AddTensorInfo("x", GgmlType.F32, [2]);
        writer.AddTensorInfo("y", GgmlType.F32, [2]);
        Assert.Throws<ArgumentException>(() => writer.AddTensorInfo("x", GgmlType.F32, [2]));
        Assert.Throws<ArgumentException>(() => writer.AddTensorInfo("q", GgmlType.Q8_0, [2, 48]));
        Assert.Throws<ArgumentException>(() => writer.AddTensorInfo("z", GgmlType.F32, [1, 1, 1, 1, 1]));
        Assert.Throws<ArgumentException>(() => writer.AddTensorInfo("z", GgmlType.F32, [0]));
        Assert.Throws<ArgumentException>(() => writer.AddTensorInfo(new string('n', 64), GgmlType.F32, [1]));
        Assert.Throws<ArgumentException>(() => writer.AddTensorInfo("z", (GgmlType)99, [1]));
        Assert.Throws<InvalidOperationException>(() => writer.WriteTensor("x", new byte[8]));
        Assert.Throws<InvalidOperationException>(() => writer.Complete());
        Assert.That(stream.Length, Is.Zero);

        writer.WriteHeaderAndInfos();
        Assert.Throws<InvalidOperationException>(() => writer.AddUInt32("b", 1));
        Assert.Throws<InvalidOperationException>(() => writer.AddTensorInfo("z", GgmlType.F32, [1]));
        Assert.Throws<InvalidOperationException>(() => writer.WriteHeaderAndInfos());
        Assert.Throws<InvalidOperationException>(() => writer.WriteTensor("y", new byte[8]));
        Assert.Throws<InvalidOperationException>(() => writer.WriteTensor("x", new byte[7]));
        writer.WriteTensorChunk("x", new byte[3]);
        Assert.Throws<InvalidOperationException>(() => writer.WriteTensor("x", new byte[8]));
        Assert.Throws<InvalidOperationException>(() => writer.WriteTensorChunk("x", new byte[6]));
        Assert.Throws<InvalidOperationException>(() => writer.Complete());
        writer.WriteTensorChunk("x", new byte[5]);
        writer.WriteTensor("y", new byte[8]);
        Assert.Throws<InvalidOperationException>(() => writer.WriteTensor("y", new byte[8]));
        writer.Complete();
        Assert.Throws<InvalidOperationException>(() => writer.Complete());
        writer.Dispose();
        Assert.Throws<ObjectDisposedException>(() => writer.AddUInt32("c", 1));
    }

    [Test]
    public void ZeroTensorsAndZeroMetadata()
    {
        (byte[] file, _) = Write([], []);
        using var reader = new MemoryByteReader(file);
        GgufReader gguf = GgufReader.Open(reader);
        Assert.That((gguf.Metadata.Count, gguf.Tensors.Count), Is.EqualTo((0, 0)));
    }

    [Test]
    public void TypedGettersAndHelpers()
    {
        using var stream = new MemoryStream();
        using (var writer = new GgufWriter(stream, leaveOpen: true))
        {
            writer.AddString(GgufKeys.GeneralArchitecture, GgufConstants.LlamaArchitecture);
            writer.AddUInt32(GgufKeys.ForArch(GgufKeys.ContextLength, "llama"), 2048);
            writer.AddFloat32(GgufKeys.ForArch(GgufKeys.AttentionLayerNormRmsEpsilon, "llama"), 1e-6f);
            writer.AddBool(GgufKeys.TokenizerAddBosToken, true);
            writer.AddInt32("i", -1);
            writer.AddUInt64("u", 5);
            writer.AddStringArray(GgufKeys.TokenizerTokens, ["<unk>", "<s>"]);
            writer.AddFloat32Array(GgufKeys.TokenizerScores, [0f, -1f]);
            writer.AddInt32Array(GgufKeys.TokenizerTokenType, [(int)SentencePieceTokenType.Unknown, (int)SentencePieceTokenType.Control]);
            writer.WriteHeaderAndInfos();
            writer.Complete();
        }
        using var reader = new MemoryByteReader(stream.ToArray());
        GgufReader gguf = GgufReader.Open(reader);
        Assert.That(gguf.GetString("general.architecture"), Is.EqualTo("llama"));
        Assert.That(gguf.GetUInt32("llama.context_length"), Is.EqualTo(2048));
        Assert.That(gguf.GetFloat32("llama.attention.layer_norm_rms_epsilon"), Is.EqualTo(1e-6f));
        Assert.That(gguf.GetBool("tokenizer.ggml.add_bos_token"), Is.True);
        Assert.That(gguf.GetStringArray("tokenizer.ggml.tokens"), Is.EqualTo(new[] { "<unk>", "<s>" }));
        Assert.That(gguf.GetFloat32Array("tokenizer.ggml.scores"), Is.EqualTo(new[] { 0f, -1f }));
        Assert.That(gguf.GetInt32Array("tokenizer.ggml.token_type"), Is.EqualTo(new[] { 2, 3 }));
        Assert.That(Assert.Throws<CheckpointFormatException>(() => gguf.GetInt32Array("tokenizer.ggml.scores"))!.Kind,
            Is.EqualTo(FormatErrorKind.GgufMetadataTypeMismatch));
    }

    [Test]
    public void ByteSizeTable()
    {
        Assert.That(GgmlTypeInfo.ByteSize(GgmlType.F32, [3, 5]), Is.EqualTo(60));
        Assert.That(GgmlTypeInfo.ByteSize(GgmlType.F16, [3, 5]), Is.EqualTo(30));
        Assert.That(GgmlTypeInfo.ByteSize(GgmlType.BF16, [3, 5]), Is.EqualTo(30));
        Assert.That(GgmlTypeInfo.ByteSize(GgmlType.Q8_0, [4096, 4096]), Is.EqualTo(4096L * 128 * 34));
        Assert.Throws<ArgumentException>(() => GgmlTypeInfo.ByteSize(GgmlType.Q8_0, [33]));
        Assert.Throws<OverflowException>(() => GgmlTypeInfo.ByteSize(GgmlType.F32, [1L << 40, 1L << 30]));
        Assert.That(GgmlTypeInfo.Describe((GgmlType)99), Is.EqualTo("type 99"));
    }
}
