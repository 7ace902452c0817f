using DeltaMerge.Formats.Naming;

namespace DeltaMerge.Formats.Meta;

/// <summary>One tensor kind of a Meta checkpoint: its name there and in Hugging Face (with <c>{layer}</c> for per-layer
/// tensors), how shards split it, whether its rows are rotary-permuted, and its full HF shape.</summary>
/// <param name="MetaName">Meta name, e.g. <c>layers.{layer}.attention.wq.weight</c>.</param>
/// <param name="HfName">Hugging Face name, e.g. <c>model.layers.{layer}.self_attn.q_proj.weight</c>.</param>
/// <param name="Split">How model-parallel shards hold it.</param>
/// <param name="Rotary">Rotary row permutation to apply.</param>
/// <param name="Shape">The full (unsplit) shape from params and the vocabulary size.</param>
public sealed record MetaTensorRule(string MetaName, string HfName, MetaSplit Split, MetaRotary Rotary, Func<MetaParams, long, long[]> Shape)
{
    /// <summary>True for a per-layer tensor.</summary>
    public bool PerLayer => MetaName.Contains(LlamaTensorNames.LayerPlaceholder, StringComparison.Ordinal);

    /// <summary>Meta name for layer <paramref name="layer"/>.</summary>
    public string MetaNameFor(int layer) => LlamaTensorNames.ForLayer(MetaName, layer);

    /// <summary>Hugging Face name for layer <paramref name="layer"/>.</summary>
    public string HfNameFor(int layer) => LlamaTensorNames.ForLayer(HfName, layer);
}
