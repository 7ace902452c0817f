using DeltaMerge.Formats.Naming;

namespace DeltaMerge.Formats.Meta;

/// <summary>
/// Meta (<c>llama/model.py</c>) → Hugging Face (<c>LlamaForCausalLM</c>) names, as <c>convert_llama_weights_to_hf.py</c>
/// maps them, with the model-parallel split of each (fairscale layer kind) and its full shape. In HF state_dict order.
/// </summary>
public static class MetaTensorNames
{
    /// <summary>Meta's precomputed rotary frequencies; recomputed by every loader, never converted.</summary>
    public const string RopeFreqs = "rope.freqs";

    /// <summary>The token embeddings, whose column split tells the shard count.</summary>
    public const string TokEmbeddings = "tok_embeddings.weight";

    /// <summary>Every tensor of a Meta LLaMA checkpoint except <see cref="RopeFreqs"/>.</summary>
    public static readonly IReadOnlyList<MetaTensorRule> Rules =
    [
        new(TokEmbeddings, LlamaTensorNames.EmbedTokens, MetaSplit.Columns, MetaRotary.None, (p, v) => [v, p.Dim]),                  // ParallelEmbedding
        Layer(LlamaTensorNames.QueryProjection, MetaSplit.Rows, MetaRotary.Query, (p, _) => [p.Dim, p.Dim]),
        Layer(LlamaTensorNames.KeyProjection, MetaSplit.Rows, MetaRotary.Key, (p, _) => [p.KeyValueDim, p.Dim]),
        Layer("self_attn.v_proj.weight", MetaSplit.Rows, MetaRotary.None, (p, _) => [p.KeyValueDim, p.Dim]),
        Layer("self_attn.o_proj.weight", MetaSplit.Columns, MetaRotary.None, (p, _) => [p.Dim, p.Dim]),
        Layer("mlp.gate_proj.weight", MetaSplit.Rows, MetaRotary.None, (p, _) => [p.IntermediateSize, p.Dim]),
        Layer("mlp.up_proj.weight", MetaSplit.Rows, MetaRotary.None, (p, _) => [p.IntermediateSize, p.Dim]),
        Layer("mlp.down_proj.weight", MetaSplit.Columns, MetaRotary.None, (p, _) => [p.Dim, p.IntermediateSize]),
        Layer("input_layernorm.weight", MetaSplit.Replicated, MetaRotary.None, (p, _) => [p.Dim]),
        Layer("post_attention_layernorm.weight", MetaSplit.Replicated, MetaRotary.None, (p, _) => [p.Dim]),
        new("norm.weight", LlamaTensorNames.FinalNorm, MetaSplit.Replicated, MetaRotary.None, (p, _) => [p.Dim]),
        new("output.weight", LlamaTensorNames.LmHead, MetaSplit.Rows, MetaRotary.None, (p, v) => [v, p.Dim]),                             // ColumnParallelLinear
    ];

    /// <summary>The rule of a per-layer tensor, its names taken from <see cref="LlamaTensorNames.LayerTensors"/>.</summary>
    private static MetaTensorRule Layer(string huggingFace, MetaSplit split, MetaRotary rotary, Func<MetaParams, long, long[]> shape)
    {
        var tensor = LlamaTensorNames.Layer(huggingFace);
        return new MetaTensorRule(tensor.MetaTemplate, tensor.HuggingFaceTemplate, split, rotary, shape);
    }
}
