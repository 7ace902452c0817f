using System.Text.Json;
using DeltaMerge.Formats.Naming;
using DeltaMerge.Tests.Shared;

namespace DeltaMerge.Formats.Tests.Gguf;

/// <summary>HF ↔ GGUF names and the q/k rotary permutation against numpy's <c>LlamaModel.permute</c>.</summary>
public sealed class LlamaGgufNamesTests
{
    [TestCase("model.embed_tokens.weight", "token_embd.weight")]
    [TestCase("model.norm.weight", "output_norm.weight")]
    [TestCase("lm_head.weight", "output.weight")]
    [TestCase("model.layers.0.self_attn.q_proj.weight", "blk.0.attn_q.weight")]
    [TestCase("model.layers.12.self_attn.k_proj.weight", "blk.12.attn_k.weight")]
    [TestCase("model.layers.3.self_attn.v_proj.weight", "blk.3.attn_v.weight")]
    [TestCase("model.layers.3.self_attn.o_proj.weight", "blk.3.attn_output.weight")]
    [TestCase("model.layers.31.mlp.gate_proj.weight", "blk.31.ffn_gate.weight")]
    [TestCase("model.layers.31.mlp.up_proj.weight", "blk.31.ffn_up.weight")]
    [TestCase("model.layers.31.mlp.down_proj.weight", "blk.31.ffn_down.weight")]
    [TestCase("model.layers.7.input_layernorm.weight", "blk.7.attn_norm.weight")]
    [TestCase("model.layers.7.post_attention_layernorm.weight", "blk.7.ffn_norm.weight")]
    public void MapsBothWays(string hf, string gguf)
    {
        Assert.That(LlamaGgufNames.ToGguf(hf), Is.EqualTo(gguf));
        Assert.That(LlamaGgufNames.ToHuggingFace(gguf), Is.EqualTo(hf));
    }

    [TestCase("model.layers.0.self_attn.rotary_emb.inv_freq")]
    [TestCase("model.layers.01.mlp.up_proj.weight")]
    [TestCase("blk.0.attn_q.weight")]
    [TestCase("model.layers.x.mlp.up_proj.weight")]
    [TestCase("model.layers.{bid}.mlp.up_proj.weight")]
    public void UnknownNamesHaveNoGgufName(string hf) => Assert.That(LlamaGgufNames.TryToGguf(hf, out _), Is.False);

    [Test]
    public void PermutationMatchesNumpy()
    {
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Fixtures, "gguf", "permute.json")));
        JsonElement root = doc.RootElement;
        int rows = root.GetProperty("rows").GetInt32(), nHead = root.GetProperty("n_head").GetInt32();
        int[] q = [.. root.GetProperty("q_source_rows").EnumerateArray().Select(e => e.GetInt32())];
        int[] k = [.. root.GetProperty("k_source_rows_n_head_kv_2").EnumerateArray().Select(e => e.GetInt32())];

        var forQ = LlamaRotaryPermutation.ForQuery(rows, nHead);
        var forK = LlamaRotaryPermutation.ForKey(rows, nHead, nHeadKv: 2);
        Assert.That(Enumerable.Range(0, rows).Select(forQ.SourceRowFor), Is.EqualTo(q));
        Assert.That(Enumerable.Range(0, rows).Select(forK.SourceRowFor), Is.EqualTo(k));
        Assert.That(Enumerable.Range(0, rows).Select(LlamaRotaryPermutation.ForKey(rows, nHead, nHead).SourceRowFor), Is.EqualTo(q));

        // Whole rows of bytes: row r of the input holds the byte r in each of 3 columns.
        byte[] input = [.. Enumerable.Range(0, rows).SelectMany(r => Enumerable.Repeat((byte)r, 3))];
        byte[] permuted = forQ.Apply(input, rowBytes: 3);
        Assert.That(permuted.Where((_, i) => i % 3 == 0), Is.EqualTo(q.Select(r => (byte)r)));
        Assert.That(forQ.Inverse.Apply(permuted, rowBytes: 3), Is.EqualTo(input));
        Assert.That(forK.Inverse.Apply(forK.Apply(input, 3), 3), Is.EqualTo(input));
    }

    [Test]
    public void PermutationRejectsBadShapes()
    {
        Assert.Throws<ArgumentException>(() => LlamaRotaryPermutation.ForQuery(30, 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => LlamaRotaryPermutation.ForQuery(32, 4).SourceRowFor(32));
        Assert.Throws<ArgumentException>(() => LlamaRotaryPermutation.ForQuery(32, 4).Apply(new byte[10], new byte[10], 1));
    }
}
