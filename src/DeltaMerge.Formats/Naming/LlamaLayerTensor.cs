namespace DeltaMerge.Formats.Naming;

/// <summary>One per-layer tensor of a LLaMA decoder layer, named in each convention (the part after the layer prefix).</summary>
/// <param name="HuggingFace">transformers' name after <c>model.layers.N.</c>, e.g. <c>self_attn.q_proj.weight</c>.</param>
/// <param name="Gguf">llama.cpp's name after <c>blk.N.</c> (gguf-py <c>TENSOR_NAMES</c>), e.g. <c>attn_q.weight</c>.</param>
/// <param name="Meta">Meta's <c>llama/model.py</c> name after <c>layers.N.</c>, e.g. <c>attention.wq.weight</c>.</param>
public sealed record LlamaLayerTensor(string HuggingFace, string Gguf, string Meta)
{
    /// <summary>The Hugging Face name template, with <see cref="LlamaTensorNames.LayerPlaceholder"/> for the layer.</summary>
    public string HuggingFaceTemplate => $"{LlamaTensorNames.LayerPrefix}{LlamaTensorNames.LayerPlaceholder}.{HuggingFace}";

    /// <summary>The GGUF name template, with <see cref="LlamaTensorNames.LayerPlaceholder"/> for the block.</summary>
    public string GgufTemplate => $"blk.{LlamaTensorNames.LayerPlaceholder}.{Gguf}";

    /// <summary>The Meta name template, with <see cref="LlamaTensorNames.LayerPlaceholder"/> for the layer.</summary>
    public string MetaTemplate => $"layers.{LlamaTensorNames.LayerPlaceholder}.{Meta}";
}
