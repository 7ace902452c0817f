using System.Globalization;
using System.Text.RegularExpressions;

namespace DeltaMerge.Formats.Naming;

/// <summary>
/// Facts about Hugging Face LLaMA tensor names (transformers' <c>LlamaForCausalLM</c>), kept as data:
/// which tensors carry the vocabulary, which are recomputed buffers, and the module order used for output files.
/// </summary>
public static partial class LlamaTensorNames
{
    /// <summary>Token embeddings, one row per vocabulary entry.</summary>
    public const string EmbedTokens = "model.embed_tokens.weight";

    /// <summary>Output projection, one row per vocabulary entry.</summary>
    public const string LmHead = "lm_head.weight";

    /// <summary>Final RMSNorm.</summary>
    public const string FinalNorm = "model.norm.weight";

    /// <summary>Tensors whose first dimension is the vocabulary (grown by added tokens such as MT-LLaMA's [PAD]).</summary>
    public static readonly IReadOnlySet<string> VocabularyTensors = new HashSet<string>(StringComparer.Ordinal) { EmbedTokens, LmHead };

    /// <summary>Query projection after <c>model.layers.N.</c> (rows in the rotary layout; permuted in GGUF and Meta files).</summary>
    public const string QueryProjection = "self_attn.q_proj.weight";

    /// <summary>Key projection after <c>model.layers.N.</c> (rows in the rotary layout; permuted in GGUF and Meta files).</summary>
    public const string KeyProjection = "self_attn.k_proj.weight";

    /// <summary>Start of every per-layer Hugging Face name (<c>model.layers.N.…</c>).</summary>
    public const string LayerPrefix = "model.layers.";

    /// <summary>Placeholder for the layer number in name templates (every convention uses this one).</summary>
    public const string LayerPlaceholder = "{layer}";

    /// <summary>
    /// The per-layer tensors in the order <c>LlamaDecoderLayer</c> registers them (its state_dict order), named in each
    /// convention: the one table every name mapping (GGUF, Meta) and the output order are built from.
    /// </summary>
    public static readonly IReadOnlyList<LlamaLayerTensor> LayerTensors =
    [
        new(QueryProjection, Gguf: "attn_q.weight", Meta: "attention.wq.weight"),          // query, rows rotary-permuted in GGUF and Meta
        new(KeyProjection, Gguf: "attn_k.weight", Meta: "attention.wk.weight"),          // key, rows rotary-permuted in GGUF and Meta
        new("self_attn.v_proj.weight", Gguf: "attn_v.weight", Meta: "attention.wv.weight"),
        new("self_attn.o_proj.weight", Gguf: "attn_output.weight", Meta: "attention.wo.weight"),
        new("mlp.gate_proj.weight", Gguf: "ffn_gate.weight", Meta: "feed_forward.w1.weight"),        // SwiGLU gate
        new("mlp.up_proj.weight", Gguf: "ffn_up.weight", Meta: "feed_forward.w3.weight"),
        new("mlp.down_proj.weight", Gguf: "ffn_down.weight", Meta: "feed_forward.w2.weight"),
        new("input_layernorm.weight", Gguf: "attn_norm.weight", Meta: "attention_norm.weight"),
        new("post_attention_layernorm.weight", Gguf: "ffn_norm.weight", Meta: "ffn_norm.weight"),
    ];

    /// <summary>Position of each per-layer tensor (by its Hugging Face name after the layer) in <see cref="LayerTensors"/>.</summary>
    private static readonly Dictionary<string, int> LayerOrder =
        LayerTensors.Select((t, i) => (t.HuggingFace, i)).ToDictionary(p => p.HuggingFace, p => p.i, StringComparer.Ordinal);

    /// <summary>The per-layer tensor whose Hugging Face name ends in <paramref name="huggingFace"/> (after <c>model.layers.N.</c>).</summary>
    /// <exception cref="ArgumentException">No such tensor.</exception>
    public static LlamaLayerTensor Layer(string huggingFace) =>
        LayerTensors.FirstOrDefault(t => t.HuggingFace == huggingFace) ?? throw new ArgumentException($"'{huggingFace}' is not a LLaMA layer tensor.", nameof(huggingFace));

    /// <summary>Expands <see cref="LayerPlaceholder"/> in <paramref name="template"/> to <paramref name="layer"/>.</summary>
    public static string ForLayer(string template, int layer) =>
        template.Replace(LayerPlaceholder, layer.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);

    /// <summary>
    /// Buffers that loaders recompute and transformers no longer saves: old checkpoints carry
    /// <c>rotary_emb.inv_freq</c> (transformers &lt; 4.31), Meta's carry <c>rope.freqs</c>.
    /// </summary>
    public static bool IsRecomputedBuffer(string name) =>
        name.EndsWith("rotary_emb.inv_freq", StringComparison.Ordinal) || name == "rope.freqs";

    /// <summary>
    /// Sort key giving <c>LlamaForCausalLM.state_dict()</c> order: embeddings, layers by number (each in module
    /// order), final norm, LM head; unknown names last, in their original order.
    /// </summary>
    public static (int Group, int Layer, int Within, int Original) OrderKey(string name, int originalIndex)
    {
        if (name == EmbedTokens) return (0, 0, 0, originalIndex);
        if (name == FinalNorm) return (2, 0, 0, originalIndex);
        if (name == LmHead) return (3, 0, 0, originalIndex);
        var m = LayerName().Match(name);
        if (m.Success)
        {
            int layer = int.Parse(m.Groups[1].ValueSpan, CultureInfo.InvariantCulture);
            int within = LayerOrder.TryGetValue(m.Groups[2].Value, out int i) ? i : LayerTensors.Count;
            return (1, layer, within, originalIndex);
        }
        return (4, 0, 0, originalIndex);
    }

    /// <summary>Orders names canonically (see <see cref="OrderKey"/>); ties keep their given order.</summary>
    public static IReadOnlyList<string> InCanonicalOrder(IEnumerable<string> names) =>
        names.Select((n, i) => (n, key: OrderKey(n, i))).OrderBy(p => p.key).Select(p => p.n).ToList();

    [GeneratedRegex(@"^model\.layers\.(\d{1,6})\.(.+)$", RegexOptions.CultureInvariant)]
    private static partial Regex LayerName();
}
