using System.Text;
using DeltaMerge.Formats.Meta;

namespace DeltaMerge.Formats.Tests.Meta;

/// <summary>params.json parsing and the sizes convert_llama_weights_to_hf.py derives from it.</summary>
public sealed class MetaParamsTests
{
    private static MetaParams Parse(string json) => MetaParams.Parse(Encoding.UTF8.GetBytes(json), "params.json");

    // Real releases: LLaMA 7B/13B/30B/65B (multiple_of 256), LLaMA 2 70B and LLaMA 3 8B (ffn_dim_multiplier).
    [TestCase(4096, 1.0, 256, 11008)]
    [TestCase(5120, 1.0, 256, 13824)]
    [TestCase(6656, 1.0, 256, 17920)]
    [TestCase(8192, 1.0, 256, 22016)]
    [TestCase(8192, 1.3, 4096, 28672)]
    [TestCase(4096, 1.3, 1024, 14336)]
    [TestCase(64, 1.0, 4, 172)]
    public void IntermediateSizeIsTheConversionScripts(long dim, double multiplier, long multipleOf, long expected) =>
        Assert.That(MetaParams.ComputeIntermediateSize(dim, multiplier, multipleOf), Is.EqualTo(expected));

    [Test]
    public void LlamaOneParamsParse()
    {
        var p = Parse("""{"dim": 4096, "multiple_of": 256, "n_heads": 32, "n_layers": 32, "norm_eps": 1e-06, "vocab_size": -1}""");
        Assert.That(p, Is.EqualTo(new MetaParams(4096, 32, 32, null, -1, 256, null, 1e-6, 10000)));
        Assert.That((p.IntermediateSize, p.HeadDim, p.KeyValueHeads, p.KeyValueDim), Is.EqualTo((11008L, 128, 32, 4096)));
    }

    [Test]
    public void LlamaTwo70BParamsParseWithGroupedQueryAttention()
    {
        var p = Parse("""{"dim": 8192, "multiple_of": 4096, "ffn_dim_multiplier": 1.3, "n_heads": 64, "n_kv_heads": 8, "n_layers": 80, "norm_eps": 1e-05, "vocab_size": -1}""");
        Assert.That((p.IntermediateSize, p.KeyValueHeads, p.KeyValueDim), Is.EqualTo((28672L, 8, 1024)));
        var config = p.ToHuggingFaceConfig(32000);
        Assert.That(config["intermediate_size"]!.GetValue<long>(), Is.EqualTo(28672));
        Assert.That(config["num_key_value_heads"]!.GetValue<int>(), Is.EqualTo(8));
        Assert.That(config["vocab_size"]!.GetValue<long>(), Is.EqualTo(32000));
        Assert.That(config["max_position_embeddings"]!.GetValue<int>(), Is.EqualTo(2048));
        Assert.That(config["rope_theta"]!.GetValue<double>(), Is.EqualTo(10000));
        Assert.That(config["tie_word_embeddings"]!.GetValue<bool>(), Is.False);
        Assert.That(config["torch_dtype"]!.GetValue<string>(), Is.EqualTo("float16"));
        Assert.That(config.Select(kv => kv.Key), Is.Ordered.Using((IComparer<string>)StringComparer.Ordinal));
    }

    [Test]
    public void RopeThetaIsRead() =>
        Assert.That(Parse("""{"dim": 64, "n_heads": 4, "n_layers": 1, "norm_eps": 1e-5, "rope_theta": 500000.0}""").RopeTheta, Is.EqualTo(500000.0));

    [TestCase("not json")]
    [TestCase("[1]")]
    [TestCase("""{"n_heads": 4, "n_layers": 1, "norm_eps": 1e-6}""")]
    [TestCase("""{"dim": 64.5, "n_heads": 4, "n_layers": 1, "norm_eps": 1e-6}""")]
    [TestCase("""{"dim": "64", "n_heads": 4, "n_layers": 1, "norm_eps": 1e-6}""")]
    [TestCase("""{"dim": 64, "n_heads": 4, "n_layers": 1}""")]
    [TestCase("""{"dim": 64, "n_heads": 5, "n_layers": 1, "norm_eps": 1e-6}""")]
    [TestCase("""{"dim": 60, "n_heads": 4, "n_layers": 1, "norm_eps": 1e-6}""")]
    [TestCase("""{"dim": 64, "n_heads": 4, "n_kv_heads": 3, "n_layers": 1, "norm_eps": 1e-6}""")]
    [TestCase("""{"dim": 64, "n_heads": 4, "n_layers": 0, "norm_eps": 1e-6}""")]
    [TestCase("""{"dim": 64, "n_heads": 4, "n_layers": 1, "norm_eps": 1e-6, "vocab_size": 0}""")]
    [TestCase("""{"dim": 64, "n_heads": 4, "n_layers": 1, "norm_eps": -1}""")]
    public void InvalidParamsAreRefused(string json)
    {
        var e = Assert.Throws<CheckpointFormatException>(() => Parse(json));
        Assert.That(e!.Kind, Is.EqualTo(FormatErrorKind.MetaParamsInvalid));
    }

    [Test]
    public void MissingParamsFileIsReported()
    {
        var e = Assert.Throws<CheckpointFormatException>(() => MetaParams.Load(Path.Combine(Path.GetTempPath(), "no-such-dir-" + Guid.NewGuid(), "params.json")));
        Assert.That(e!.Kind, Is.EqualTo(FormatErrorKind.MetaParamsMissing));
    }
}
