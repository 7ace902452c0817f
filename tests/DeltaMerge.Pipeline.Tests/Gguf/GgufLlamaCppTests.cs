using System.Text.Json;
using DeltaMerge.Formats;
using DeltaMerge.Formats.Gguf;
using DeltaMerge.Formats.IO;
using DeltaMerge.Formats.Safetensors;
using DeltaMerge.Pipeline.Execution;
using DeltaMerge.Pipeline.Jobs;
using DeltaMerge.Pipeline.Output;
using DeltaMerge.Pipeline.Plan;
using DeltaMerge.Tests.Shared;

namespace DeltaMerge.Pipeline.Tests.Gguf;

/// <summary>
/// GGUF files written by the merge, loaded in real llama.cpp (node-llama-cpp's prebuilt binaries): every type loads,
/// logits match the PyTorch reference forward of the merged model, tokenization matches SentencePiece.
/// </summary>
[NonParallelizable]
public sealed class GgufLlamaCppTests
{
    private static TempDirectory _temp = null!;
    private static Dictionary<GgufOutputType, string> Files = [];

    /// <summary>Largest |llama.cpp - PyTorch| logit difference accepted per type (measured values are in docs/gguf.md).</summary>
    private static readonly Dictionary<GgufOutputType, (string Reference, float Tolerance)> Expectation = new()
    {
        [GgufOutputType.F32] = ("forward-f32.json", 1e-4f),
        [GgufOutputType.F16] = ("forward-f16.json", 1e-3f),
        [GgufOutputType.BF16] = ("forward-f32.json", 1e-2f),
        [GgufOutputType.Q8_0] = ("forward-f16.json", 3e-2f),
    };

    [OneTimeSetUp]
    public static void MergeSanitizedFixturesToEveryType()
    {
        LlamaCpp.Require();
        _temp = new TempDirectory();
        Files = TinyGgufModels.MergeEveryType(_temp);
    }

    [OneTimeTearDown] public static void Cleanup() => _temp?.Dispose();

    [TestCase(GgufOutputType.F32)]
    [TestCase(GgufOutputType.F16)]
    [TestCase(GgufOutputType.BF16)]
    [TestCase(GgufOutputType.Q8_0)]
    public void LlamaCppLogitsMatchThePyTorchForward(GgufOutputType type)
    {
        var (referenceFile, tolerance) = Expectation[type];
        var reference = ReferenceForward.Load(referenceFile);
        using var result = LlamaCpp.Run(new Dictionary<string, object>
        {
            ["model"] = Files[type],
            ["threads"] = 1,
            ["logits"] = reference.Prompts.Select(p => new Dictionary<string, object> { ["tokens"] = p.Ids, ["encoding"] = "f32-base64" }).ToArray(),
        });
        float worst = 0;
        for (int i = 0; i < reference.Prompts.Count; i++)
        {
            var prompt = reference.Prompts[i];
            var logits = LlamaCpp.Logits(result, i);
            Assert.That(logits, Has.Length.EqualTo(prompt.Ids.Length), prompt.Name);
            for (int t = 0; t < logits.Length; t++)
                for (int v = 0; v < logits[t].Length; v++)
                    worst = Math.Max(worst, Math.Abs(logits[t][v] - prompt.Logits[t][v]));
        }
        TestContext.Out.WriteLine($"{type}: max |llama.cpp - PyTorch {referenceFile}| = {worst:E2} over {reference.Prompts.Sum(p => p.Ids.Length)} positions");
        Assert.That(worst, Is.LessThanOrEqualTo(tolerance));
    }

    [Test]
    public void LlamaCppTokenizesLikeSentencePiece()
    {
        // tokenize.json: SentencePiece's ids (no BOS) for varied strings: spaces, tabs, newlines, digits, punctuation,
        // URLs, code, accented Latin, CJK, emoji through byte fallback, empty text, "[PAD]" and "<s>" as text.
        using var corpus = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(RepoPaths.Fixtures, "reference", "tokenize.json")));
        var strings = corpus.RootElement.GetProperty("strings").EnumerateArray()
            .Select(s => (Text: s.GetProperty("text").GetString()!, Ids: s.GetProperty("ids").EnumerateArray().Select(e => e.GetInt32()).ToArray())).ToList();
        using var result = LlamaCpp.Run(new Dictionary<string, object>
        {
            ["model"] = Files[GgufOutputType.F16],
            ["tokenize"] = strings.Select(s => new Dictionary<string, object> { ["text"] = s.Text, ["add_special"] = false, ["parse_special"] = false }).ToArray(),
        });
        for (int i = 0; i < strings.Count; i++)
            Assert.That(LlamaCpp.Tokens(result, i), Is.EqualTo(strings[i].Ids), $"text {JsonSerializer.Serialize(strings[i].Text)}");
        Assert.That(strings.Any(s => s.Text.Contains("[PAD]", StringComparison.Ordinal)) && strings.Any(s => s.Text.Contains('\n')), Is.True);
    }

    [Test]
    public void TruncatedGgufIsRefusedWithLlamaCppsOwnDiagnosis()
    {
        string truncated = _temp.Sub("truncated.gguf");
        byte[] bytes = File.ReadAllBytes(Files[GgufOutputType.F16]);
        File.WriteAllBytes(truncated, bytes.AsSpan(0, bytes.Length - 1000).ToArray());
        var e = Assert.Throws<LlamaCppException>(() => LlamaCpp.Run(new Dictionary<string, object> { ["model"] = truncated, ["tokenize"] = new[] { "x" } }))!;
        // llama.cpp's own reason, from its log (the message also holds the path, so the path alone proves nothing).
        Assert.That(e.Error, Does.Contain("data is not within the file bounds"));
        using var reader = new FileByteReader(truncated);
        var ours = Assert.Throws<CheckpointFormatException>(() => GgufReader.Open(reader))!;
        Assert.That(ours.Kind, Is.EqualTo(FormatErrorKind.GgufDataPastEnd));
    }

    [Test]
    public void MetadataAndTensorTypesFollowConvertHfToGguf()
    {
        foreach (var (type, path) in Files)
        {
            using var reader = new FileByteReader(path);
            var gguf = GgufReader.Open(reader);
            Assert.That(gguf.GetString("general.architecture"), Is.EqualTo("llama"));
            Assert.That(gguf.GetUInt32("llama.block_count"), Is.EqualTo(2));
            Assert.That(gguf.GetUInt32("llama.embedding_length"), Is.EqualTo(64));
            Assert.That(gguf.GetUInt32("llama.feed_forward_length"), Is.EqualTo(172));
            Assert.That(gguf.GetUInt32("llama.attention.head_count"), Is.EqualTo(4));
            Assert.That(gguf.GetUInt32("llama.rope.dimension_count"), Is.EqualTo(16));
            Assert.That(gguf.GetUInt32("general.file_type"), Is.EqualTo((uint)GgufOutputTypes.FileType(type)));
            Assert.That(gguf.GetStringArray("tokenizer.ggml.tokens"), Has.Count.EqualTo(385));
            Assert.That(gguf.GetStringArray("tokenizer.ggml.tokens")[384], Is.EqualTo("[PAD]"));
            Assert.That(gguf.TryGetTensor("blk.0.attn_norm.weight", out var norm) && norm.Type == GgmlType.F32, Is.True, "1-D tensors stay F32");
            Assert.That(gguf.TryGetTensor("token_embd.weight", out var embed), Is.True);
            Assert.That(embed.Shape, Is.EqualTo(new long[] { 385, 64 }));
            var expected = type switch
            {
                GgufOutputType.F32 => GgmlType.F32, GgufOutputType.F16 => GgmlType.F16, GgufOutputType.BF16 => GgmlType.BF16, _ => GgmlType.Q8_0,
            };
            Assert.That(embed.Type, Is.EqualTo(expected), type.ToString());
            if (type == GgufOutputType.Q8_0)
                Assert.That(gguf.Tensors.Single(t => t.Name == "blk.0.ffn_down.weight").Type, Is.EqualTo(GgmlType.F16), "rows of 172 are not a multiple of 32: F16 fallback");
        }
    }
}
