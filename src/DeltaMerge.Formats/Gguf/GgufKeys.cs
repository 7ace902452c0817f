namespace DeltaMerge.Formats.Gguf;

/// <summary>
/// Metadata key strings (gguf-py <c>Keys</c>); keys with <c>{arch}</c> are templates expanded by <see cref="ForArch"/>.
/// Value types, as llama.cpp's <c>gguf_writer.py</c> writes them, are given per key.
/// </summary>
public static class GgufKeys
{
    /// <summary>Placeholder replaced by the architecture name.</summary>
    public const string ArchPlaceholder = "{arch}";

    // ---- general ----
    /// <summary>string: the architecture, e.g. <c>llama</c>; gguf-py writes it first.</summary>
    public const string GeneralArchitecture = "general.architecture";
    /// <summary>string: the model's display name.</summary>
    public const string GeneralName = "general.name";
    /// <summary>uint32: a <see cref="LlamaFileType"/>.</summary>
    public const string GeneralFileType = "general.file_type";
    /// <summary>uint32: quantization format version (2), written when any tensor is quantized.</summary>
    public const string GeneralQuantizationVersion = "general.quantization_version";
    /// <summary>uint32: data alignment, a power of two; absent means 32.</summary>
    public const string GeneralAlignment = "general.alignment";

    // ---- {arch} hyperparameters ----
    /// <summary>uint32: training context length (max_position_embeddings).</summary>
    public const string ContextLength = "{arch}.context_length";
    /// <summary>uint32: hidden size.</summary>
    public const string EmbeddingLength = "{arch}.embedding_length";
    /// <summary>uint32: number of layers.</summary>
    public const string BlockCount = "{arch}.block_count";
    /// <summary>uint32: MLP intermediate size.</summary>
    public const string FeedForwardLength = "{arch}.feed_forward_length";
    /// <summary>uint32: rotary dimensions (head dim for LLaMA).</summary>
    public const string RopeDimensionCount = "{arch}.rope.dimension_count";
    /// <summary>uint32: attention heads.</summary>
    public const string AttentionHeadCount = "{arch}.attention.head_count";
    /// <summary>uint32: key/value heads.</summary>
    public const string AttentionHeadCountKv = "{arch}.attention.head_count_kv";
    /// <summary>float32: RMSNorm epsilon.</summary>
    public const string AttentionLayerNormRmsEpsilon = "{arch}.attention.layer_norm_rms_epsilon";
    /// <summary>float32: rope theta.</summary>
    public const string RopeFreqBase = "{arch}.rope.freq_base";
    /// <summary>uint32: vocabulary size.</summary>
    public const string VocabSize = "{arch}.vocab_size";

    // ---- tokenizer ----
    /// <summary>string: tokenizer kind, <c>llama</c> for SentencePiece.</summary>
    public const string TokenizerModel = "tokenizer.ggml.model";
    /// <summary>array of string: the pieces, by id.</summary>
    public const string TokenizerTokens = "tokenizer.ggml.tokens";
    /// <summary>array of float32: piece scores, by id.</summary>
    public const string TokenizerScores = "tokenizer.ggml.scores";
    /// <summary>array of int32: <see cref="SentencePiece.SentencePieceTokenType"/> per id.</summary>
    public const string TokenizerTokenType = "tokenizer.ggml.token_type";
    /// <summary>uint32: BOS id.</summary>
    public const string TokenizerBosTokenId = "tokenizer.ggml.bos_token_id";
    /// <summary>uint32: EOS id.</summary>
    public const string TokenizerEosTokenId = "tokenizer.ggml.eos_token_id";
    /// <summary>uint32: unknown-token id.</summary>
    public const string TokenizerUnknownTokenId = "tokenizer.ggml.unknown_token_id";
    /// <summary>uint32: padding id.</summary>
    public const string TokenizerPaddingTokenId = "tokenizer.ggml.padding_token_id";
    /// <summary>bool: prepend BOS.</summary>
    public const string TokenizerAddBosToken = "tokenizer.ggml.add_bos_token";
    /// <summary>bool: append EOS.</summary>
    public const string TokenizerAddEosToken = "tokenizer.ggml.add_eos_token";

    /// <summary>Expands <c>{arch}</c> in <paramref name="template"/>: <c>ForArch(ContextLength, "llama")</c> is <c>llama.context_length</c>.</summary>
    public static string ForArch(string template, string arch)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentException.ThrowIfNullOrEmpty(arch);
        return template.Replace(ArchPlaceholder, arch, StringComparison.Ordinal);
    }
}
