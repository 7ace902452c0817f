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
        new(TokEmbeddings, "model.embed_tokens.weight", MetaSplit.Columns, MetaRotary.None, (p, v) => [v, p.Dim]),                  // ParallelEmbedding
        new("layers.{layer}.attention.wq.weight", "model.layers.{layer}.self_attn.q_proj.weight", MetaSplit.Rows, MetaRotary.Query, (p, _) => [p.Dim, p.Dim]),
        new("layers.{layer}.attention.wk.weight", "model.layers.{layer}.self_attn.k_proj.weight", MetaSplit.Rows, MetaRotary.Key, (p, _) => [p.KeyValueDim, p.Dim]),
        new("layers.{layer}.attention.wv.weight", "model.layers.{layer}.self_attn.v_proj.weight", MetaSplit.Rows, MetaRotary.None, (p, _) => [p.KeyValueDim, p.Dim]),
        new("layers.{layer}.attention.wo.weight", "model.layers.{layer}.self_attn.o_proj.weight", MetaSplit.Columns, MetaRotary.None, (p, _) => [p.Dim, p.Dim]),
        new("layers.{layer}.feed_forward.w1.weight", "model.layers.{layer}.mlp.gate_proj.weight", MetaSplit.Rows, MetaRotary.None, (p, _) => [p.IntermediateSize, p.Dim]),
        new("layers.{layer}.feed_forward.w3.weight", "model.layers.{layer}.mlp.up_proj.weight", MetaSplit.Rows, MetaRotary.None, (p, _) => [p.IntermediateSize, p.Dim]),
        new("layers.{layer}.feed_forward.w2.weight", "model.layers.{layer}.mlp.down_proj.weight", MetaSplit.Columns, MetaRotary.None, (p, _) => [p.Dim, p.IntermediateSize]),
        new("layers.{layer}.attention_norm.weight", "model.layers.{layer}.input_layernorm.weight", MetaSplit.Replicated, MetaRotary.None, (p, _) => [p.Dim]),
        new("layers.{layer}.ffn_norm.weight", "model.layers.{layer}.post_attention_layernorm.weight", MetaSplit.Replicated, MetaRotary.None, (p, _) => [p.Dim]),
        new("norm.weight", "model.norm.weight", MetaSplit.Replicated, MetaRotary.None, (p, _) => [p.Dim]),
        new("output.weight", "lm_head.weight", MetaSplit.Rows, MetaRotary.None, (p, v) => [v, p.Dim]),                             // ColumnParallelLinear
    ];
}
