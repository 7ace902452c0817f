using DeltaMerge.Formats.Gather;
using DeltaMerge.Formats.HuggingFace;
using DeltaMerge.Formats.IO;
using DeltaMerge.Formats.Meta;
using DeltaMerge.Formats.Naming;
using DeltaMerge.Tests.Shared;

namespace DeltaMerge.Formats.Tests.Meta;

/// <summary>The tiny Meta fixtures (scripts/fixtures/tiny_models.py) read as Hugging Face tensors, and one test per Meta error kind.</summary>
public sealed class MetaCheckpointTests
{
    private TempDirectory _temp = null!;

    [SetUp] public void SetUp() => _temp = new TempDirectory();
    [TearDown] public void TearDown() => _temp.Dispose();

    private static IReadOnlyList<TensorEntry> ReadTensors(ModelDirectory dir, List<IByteReader> readers) =>
        dir.ReadTensors(p =>
        {
            var r = new FileByteReader(p);
            readers.Add(r);
            return r;
        });

    private static IReadOnlyList<TensorEntry> ReadTensors(string path)
    {
        var readers = new List<IByteReader>();
        try { return ReadTensors(ModelDirectory.Open(path), readers); }
        finally { foreach (var r in readers) r.Dispose(); }
    }

    private static byte[] Bytes(TensorEntry e)
    {
        var buffer = new byte[e.ByteLength];
        int at = 0;
        foreach (var range in e.Gather?.RangesFor(0, e.Gather.Rows) ?? [new ByteRange(e.FilePath, e.Offset, e.ByteLength)])
        {
            using var reader = new FileByteReader(range.FilePath);
            reader.ReadExactly(range.Offset, buffer.AsSpan(at, (int)range.Length));
            at += (int)range.Length;
        }
        Assert.That(at, Is.EqualTo(buffer.Length), e.Name);
        return buffer;
    }

    [TestCase("base-meta")]
    [TestCase("base-meta-mp2")]
    public void TensorsAreTheHuggingFaceBaseByteForByte(string name)
    {
        var meta = ReadTensors(RepoPaths.Tiny(name));
        var hf = ReadTensors(RepoPaths.Tiny("base-safetensors")).ToDictionary(t => t.Name);
        Assert.That(meta.Select(t => t.Name).Where(n => n != MetaTensorNames.RopeFreqs), Is.EqualTo(LlamaTensorNames.InCanonicalOrder(hf.Keys)));
        Assert.That(meta[^1].Name, Is.EqualTo(MetaTensorNames.RopeFreqs));
        Assert.That(LlamaTensorNames.IsRecomputedBuffer(meta[^1].Name), Is.True);
        foreach (var t in meta.Where(t => t.Name != MetaTensorNames.RopeFreqs))
        {
            var h = hf[t.Name];
            Assert.That((t.DType, t.Shape, t.ByteLength), Is.EqualTo((h.DType, h.Shape, h.ByteLength)), t.Name);
            Assert.That(Bytes(t), Is.EqualTo(Bytes(h)), t.Name);
        }
    }

    [Test]
    public void SingleShardTensorsWithoutRotaryStayContiguous()
    {
        var meta = ReadTensors(RepoPaths.Tiny("base-meta")).ToDictionary(t => t.Name);
        Assert.That(meta.Values.Where(t => t.Gather != null).Select(t => t.Name), Is.EquivalentTo(new[]
        {
            "model.layers.0.self_attn.q_proj.weight", "model.layers.0.self_attn.k_proj.weight",
            "model.layers.1.self_attn.q_proj.weight", "model.layers.1.self_attn.k_proj.weight",
        }));
        var mp2 = ReadTensors(RepoPaths.Tiny("base-meta-mp2")).ToDictionary(t => t.Name);
        Assert.That(mp2["model.embed_tokens.weight"].Files.Select(Path.GetFileName), Is.EqualTo(new[] { "consolidated.00.pth", "consolidated.01.pth" }));
        Assert.That(mp2["model.norm.weight"].Gather, Is.Null);
        Assert.That(mp2["model.norm.weight"].Files.Select(Path.GetFileName), Is.EqualTo(new[] { "consolidated.00.pth" }));
    }

    [Test]
    public void DirectoryIsMetaWithASynthesizedConfig()
    {
        var dir = ModelDirectory.Open(RepoPaths.Tiny("base-meta-mp2"));
        Assert.That(dir.Layout, Is.EqualTo(ModelLayout.Meta));
        Assert.That(dir.WeightFiles.Select(Path.GetFileName), Is.EqualTo(new[] { "consolidated.00.pth", "consolidated.01.pth" }));
        var config = dir.ReadConfig()!;
        Assert.That(config["vocab_size"]!.GetValue<long>(), Is.EqualTo(384));
        Assert.That(config["intermediate_size"]!.GetValue<long>(), Is.EqualTo(172));
        Assert.That(config["hidden_size"]!.GetValue<int>(), Is.EqualTo(64));
        Assert.That(config["num_key_value_heads"]!.GetValue<int>(), Is.EqualTo(4));
    }

    [Test]
    public void MetaToHfIsTheInverseOfTheHfToLlamaCppPermutation()
    {
        // Meta and GGUF share the interleaved rotary layout, so both conversions are the same row map.
        var perm = LlamaRotaryPermutation.ForQuery(64, 4).Inverse;
        Assert.That(MetaRotaryPermutation.SourceRows(64, 4), Is.EqualTo(Enumerable.Range(0, 64).Select(r => (long)perm.SourceRowFor(r))));
        Assert.That(MetaRotaryPermutation.SourceRows(8, 1), Is.EqualTo(new long[] { 0, 2, 4, 6, 1, 3, 5, 7 }));
    }

    private string Copy(string fixture, Action<string> change)
    {
        string dir = _temp.CopyOf(RepoPaths.Tiny(fixture));
        change(dir);
        return dir;
    }

    private static void SetParams(string dir, string json) => File.WriteAllText(Path.Combine(dir, "params.json"), json);

    private static FormatErrorKind KindOf(Action action) => Assert.Throws<CheckpointFormatException>(() => action())!.Kind;

    [Test]
    public void MissingParamsJson()
    {
        string dir = Copy("base-meta", d => File.Delete(Path.Combine(d, "params.json")));
        Assert.That(KindOf(() => ModelDirectory.Open(dir)), Is.EqualTo(FormatErrorKind.MetaParamsMissing));
    }

    [Test]
    public void MissingLastShard()
    {
        string dir = Copy("base-meta-mp2", d => File.Delete(Path.Combine(d, "consolidated.01.pth")));
        var e = Assert.Throws<CheckpointFormatException>(() => ReadTensors(dir))!;
        Assert.That(e.Kind, Is.EqualTo(FormatErrorKind.MetaShardMissing));
        Assert.That(e.Message, Does.Contain("consolidated.01.pth"));
    }

    [Test]
    public void GapInShardNumbers()
    {
        string dir = Copy("base-meta-mp2", d => File.Move(Path.Combine(d, "consolidated.01.pth"), Path.Combine(d, "consolidated.02.pth")));
        Assert.That(KindOf(() => ModelDirectory.Open(dir)), Is.EqualTo(FormatErrorKind.MetaShardMissing));
    }

    [Test]
    public void TensorMissing()
    {
        string dir = Copy("base-meta", d => SetParams(d, """{"dim": 64, "multiple_of": 4, "n_heads": 4, "n_layers": 3, "norm_eps": 1e-06, "vocab_size": -1}"""));
        var e = Assert.Throws<CheckpointFormatException>(() => ReadTensors(dir))!;
        Assert.That(e.Kind, Is.EqualTo(FormatErrorKind.MetaTensorMissing));
        Assert.That(e.TensorName, Is.EqualTo("layers.2.attention.wq.weight"));
    }

    [Test]
    public void UnexpectedTensor()
    {
        string dir = Copy("base-meta", d => SetParams(d, """{"dim": 64, "multiple_of": 4, "n_heads": 4, "n_layers": 1, "norm_eps": 1e-06, "vocab_size": -1}"""));
        var e = Assert.Throws<CheckpointFormatException>(() => ReadTensors(dir))!;
        Assert.That(e.Kind, Is.EqualTo(FormatErrorKind.MetaUnexpectedTensor));
        Assert.That(e.TensorName, Does.StartWith("layers.1."));
    }

    [TestCase("""{"dim": 64, "multiple_of": 8, "n_heads": 4, "n_layers": 2, "norm_eps": 1e-06, "vocab_size": -1}""", "layers.0.feed_forward.w1.weight", "[176, 64]")]
    [TestCase("""{"dim": 64, "multiple_of": 4, "n_heads": 4, "n_kv_heads": 2, "n_layers": 2, "norm_eps": 1e-06, "vocab_size": -1}""", "layers.0.attention.wk.weight", "[32, 64]")]
    [TestCase("""{"dim": 64, "multiple_of": 4, "n_heads": 4, "n_layers": 2, "norm_eps": 1e-06, "vocab_size": 400}""", "tok_embeddings.weight", "[400, 32]")]
    public void ShapeMismatch(string paramsJson, string tensor, string expected)
    {
        string dir = Copy("base-meta-mp2", d => SetParams(d, paramsJson));
        var e = Assert.Throws<CheckpointFormatException>(() => ReadTensors(dir))!;
        Assert.That(e.Kind, Is.EqualTo(FormatErrorKind.MetaShapeMismatch));
        Assert.That(e.TensorName, Is.EqualTo(tensor));
        Assert.That(e.FilePath, Does.EndWith("consolidated.00.pth"));
        Assert.That(e.Message, Does.Contain(expected));
    }

    [Test]
    public void DimensionThatTheEmbeddingsDoNotSplit()
    {
        string dir = Copy("base-meta-mp2", d => SetParams(d, """{"dim": 80, "multiple_of": 4, "n_heads": 4, "n_layers": 2, "norm_eps": 1e-06, "vocab_size": -1}"""));
        Assert.That(KindOf(() => ReadTensors(dir)), Is.EqualTo(FormatErrorKind.MetaShapeMismatch));
    }
}
