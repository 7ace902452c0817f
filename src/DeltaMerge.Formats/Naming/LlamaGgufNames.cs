using System.Globalization;
using System.Text.RegularExpressions;

namespace DeltaMerge.Formats.Naming;

/// <summary>
/// Hugging Face LLaMA tensor names ↔ llama.cpp GGUF names, as data (gguf-py <c>tensor_mapping.py</c> sources for
/// <c>MODEL_ARCH.LLAMA</c>, <c>constants.py</c> <c>TENSOR_NAMES</c>); code only expands the layer placeholder.
/// </summary>
public static partial class LlamaGgufNames
{
    /// <summary>(Hugging Face name, GGUF name) of tensors outside the layers.</summary>
    private static readonly (string Hf, string Gguf)[] GlobalNames =
    [
        (LlamaTensorNames.EmbedTokens, "token_embd.weight"),     // MODEL_TENSOR.TOKEN_EMBD
        (LlamaTensorNames.FinalNorm, "output_norm.weight"),      // MODEL_TENSOR.OUTPUT_NORM
        (LlamaTensorNames.LmHead, "output.weight"),              // MODEL_TENSOR.OUTPUT
    ];

    /// <summary>(Hugging Face name, GGUF name) of per-layer tensors, with the layer placeholder, from <see cref="LlamaTensorNames.LayerTensors"/>.</summary>
    private static readonly (string Hf, string Gguf)[] BlockNames =
        LlamaTensorNames.LayerTensors.Select(t => (t.HuggingFaceTemplate, t.GgufTemplate)).ToArray();

    private static readonly Dictionary<string, string> HfToGguf = Index(p => p.Hf, p => p.Gguf);
    private static readonly Dictionary<string, string> GgufToHf = Index(p => p.Gguf, p => p.Hf);

    /// <summary>The GGUF name of a Hugging Face LLaMA tensor, or false for names without one (e.g. <c>rotary_emb.inv_freq</c>).</summary>
    public static bool TryToGguf(string hfName, out string ggufName) => TryMap(hfName, HfToGguf, out ggufName);

    /// <summary>The Hugging Face name of a GGUF LLaMA tensor.</summary>
    public static bool TryToHuggingFace(string ggufName, out string hfName) => TryMap(ggufName, GgufToHf, out hfName);

    /// <summary>The GGUF name of a Hugging Face LLaMA tensor.</summary>
    /// <exception cref="ArgumentException">The name has no GGUF counterpart.</exception>
    public static string ToGguf(string hfName) =>
        TryToGguf(hfName, out string g) ? g : throw new ArgumentException($"'{hfName}' is not a LLaMA tensor with a GGUF name.", nameof(hfName));

    /// <summary>The Hugging Face name of a GGUF LLaMA tensor.</summary>
    /// <exception cref="ArgumentException">The name has no Hugging Face counterpart.</exception>
    public static string ToHuggingFace(string ggufName) =>
        TryToHuggingFace(ggufName, out string h) ? h : throw new ArgumentException($"'{ggufName}' is not a LLaMA GGUF tensor name.", nameof(ggufName));

    /// <summary>Whether the Hugging Face tensor's rows must be permuted from the HF rotary layout (q_proj and k_proj).</summary>
    public static bool NeedsRotaryPermutation(string hfName, out bool isKey)
    {
        isKey = hfName.EndsWith("." + LlamaTensorNames.KeyProjection, StringComparison.Ordinal);
        return isKey || hfName.EndsWith("." + LlamaTensorNames.QueryProjection, StringComparison.Ordinal);
    }

    private static bool TryMap(string name, Dictionary<string, string> table, out string mapped)
    {
        ArgumentNullException.ThrowIfNull(name);
        mapped = "";
        // Names carry at most one block number; replacing it by {bid} finds the template.
        Match m = BlockNumber().Match(name);
        string key = m.Success ? name.Remove(m.Groups[1].Index, m.Groups[1].Length).Insert(m.Groups[1].Index, LlamaTensorNames.LayerPlaceholder) : name;
        if (!table.TryGetValue(key, out string? template)) return false;
        if (m.Success)
        {
            // Reject non-canonical numbers ("01") so the map stays a bijection.
            if (int.Parse(m.Groups[1].ValueSpan, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture) != m.Groups[1].Value) return false;
            mapped = template.Replace(LlamaTensorNames.LayerPlaceholder, m.Groups[1].Value, StringComparison.Ordinal);
        }
        else
        {
            if (template.Contains(LlamaTensorNames.LayerPlaceholder, StringComparison.Ordinal)) return false;
            mapped = template;
        }
        return true;
    }

    private static Dictionary<string, string> Index(Func<(string Hf, string Gguf), string> key, Func<(string Hf, string Gguf), string> value) =>
        GlobalNames.Concat(BlockNames).ToDictionary(key, value, StringComparer.Ordinal);

    [GeneratedRegex(@"^(?:model\.layers|blk)\.(\d{1,6})\.", RegexOptions.CultureInvariant)]
    private static partial Regex BlockNumber();
}
