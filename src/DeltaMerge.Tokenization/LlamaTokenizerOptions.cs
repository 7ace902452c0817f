namespace DeltaMerge.Tokenization;

/// <summary>Knobs of a <see cref="LlamaTokenizer"/>; the defaults reproduce transformers 4.28 with the model's own files.</summary>
public sealed class LlamaTokenizerOptions
{
    /// <summary>How added/special tokens written in the text are recognised. Default <see cref="AddedTokenHandling.HfLegacyV428"/>.</summary>
    public AddedTokenHandling AddedTokens { get; init; } = AddedTokenHandling.HfLegacyV428;

    /// <summary>Whether <see cref="LlamaTokenizer.Encode"/> prepends the BOS id by default; null: tokenizer_config.json
    /// <c>add_bos_token</c> (GGUF <c>tokenizer.ggml.add_bos_token</c>), true when absent.</summary>
    public bool? AddBos { get; init; }

    /// <summary>
    /// The id prepended instead of the model's BOS. MT-LLaMA's evaluation sets <c>bos_token</c> to <c>&lt;/s&gt;</c>, so its
    /// prompts start with 2, not 1; pass 2 to reproduce that.
    /// </summary>
    public int? BosOverride { get; init; }
}
