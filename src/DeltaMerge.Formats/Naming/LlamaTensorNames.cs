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

    /// <summary>Per-layer tensor suffixes in the order <c>LlamaDecoderLayer</c> registers them (its state_dict order).</summary>
    private static readonly string[] LayerSuffixOrder =
    [
        "self_attn.q_proj.weight",          // attention query, HF rotary layout
        "self_attn.k_proj.weight",
        "self_attn.v_proj.weight",
        "self_attn.o_proj.weight",
        "mlp.gate_proj.weight",             // SwiGLU gate (Meta w1)
        "mlp.up_proj.weight",               // (Meta w3)
        "mlp.down_proj.weight",             // (Meta w2)
        "input_layernorm.weight",           // (Meta attention_norm)
        "post_attention_layernorm.weight",  // (Meta ffn_norm)
    ];

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
            int within = Array.IndexOf(LayerSuffixOrder, m.Groups[2].Value);
            return (1, layer, within < 0 ? LayerSuffixOrder.Length : within, originalIndex);
        }
        return (4, 0, 0, originalIndex);
    }

    /// <summary>Orders names canonically (see <see cref="OrderKey"/>); ties keep their given order.</summary>
    public static IReadOnlyList<string> InCanonicalOrder(IEnumerable<string> names) =>
        names.Select((n, i) => (n, key: OrderKey(n, i))).OrderBy(p => p.key).Select(p => p.n).ToList();

    [GeneratedRegex(@"^model\.layers\.(\d{1,6})\.(.+)$", RegexOptions.CultureInvariant)]
    private static partial Regex LayerName();
}
