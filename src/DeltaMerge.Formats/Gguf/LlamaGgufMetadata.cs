using System.Globalization;
using System.Text.Json.Nodes;
using DeltaMerge.Formats.SentencePiece;

namespace DeltaMerge.Formats.Gguf;

/// <summary>
/// The metadata llama.cpp's <c>convert_hf_to_gguf.py</c> writes for a LLaMA model, from a Hugging Face config.json and
/// the vocabulary: architecture hyperparameters, file type, quantization version, and the SentencePiece vocabulary.
/// </summary>
public static class LlamaGgufMetadata
{
    /// <summary>Hyperparameters read from config.json.</summary>
    /// <param name="Hidden">hidden_size.</param>
    /// <param name="Layers">num_hidden_layers.</param>
    /// <param name="Intermediate">intermediate_size.</param>
    /// <param name="Heads">num_attention_heads.</param>
    /// <param name="KvHeads">num_key_value_heads (heads when absent).</param>
    /// <param name="ContextLength">max_position_embeddings.</param>
    /// <param name="RmsNormEps">rms_norm_eps.</param>
    /// <param name="RopeTheta">rope_theta, when set.</param>
    /// <param name="VocabSize">vocab_size.</param>
    public sealed record Hyperparameters(int Hidden, int Layers, int Intermediate, int Heads, int KvHeads, int ContextLength, float RmsNormEps, float? RopeTheta, int VocabSize)
    {
        /// <summary>Reads them from config.json.</summary>
        /// <exception cref="CheckpointFormatException">A required field is missing or not a number.</exception>
        public static Hyperparameters FromConfig(JsonObject config, string source)
        {
            int heads = Int(config, "num_attention_heads", source);
            return new Hyperparameters(
                Int(config, "hidden_size", source), Int(config, "num_hidden_layers", source), Int(config, "intermediate_size", source), heads,
                config.ContainsKey("num_key_value_heads") && config["num_key_value_heads"] is not null ? Int(config, "num_key_value_heads", source) : heads,
                config.ContainsKey("max_position_embeddings") ? Int(config, "max_position_embeddings", source) : 2048,
                (float)Number(config, "rms_norm_eps", source),
                config.ContainsKey("rope_theta") && config["rope_theta"] is not null ? (float)Number(config, "rope_theta", source) : null,
                Int(config, "vocab_size", source));
        }

        private static double Number(JsonObject config, string key, string source)
        {
            // Values may be parsed JSON or set from code (a long), so read them through their JSON text.
            if (config[key] is JsonValue v && v.GetValueKind() == System.Text.Json.JsonValueKind.Number
                && double.TryParse(v.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out double d)) return d;
            throw new CheckpointFormatException(FormatErrorKind.InvalidConfig, $"config.json needs a number \"{key}\" for GGUF output.", source);
        }

        private static int Int(JsonObject config, string key, string source)
        {
            double d = Number(config, key, source);
            if (d != Math.Floor(d) || d < 0 || d > int.MaxValue)
                throw new CheckpointFormatException(FormatErrorKind.InvalidConfig, $"config.json \"{key}\" = {d.ToString(CultureInfo.InvariantCulture)} is not a non-negative integer.", source);
            return (int)d;
        }
    }

    /// <summary>Adds architecture, file and tokenizer metadata to <paramref name="writer"/>, in convert_hf_to_gguf's order.</summary>
    public static void Write(GgufWriter writer, string name, Hyperparameters h, LlamaFileType fileType, LlamaVocabulary vocab)
    {
        string K(string template) => GgufKeys.ForArch(template, GgufConstants.LlamaArchitecture);
        writer.AddString(GgufKeys.GeneralArchitecture, GgufConstants.LlamaArchitecture);
        writer.AddString(GgufKeys.GeneralName, name);
        writer.AddUInt32(K(GgufKeys.VocabSize), (uint)vocab.Count);
        writer.AddUInt32(K(GgufKeys.ContextLength), (uint)h.ContextLength);
        writer.AddUInt32(K(GgufKeys.EmbeddingLength), (uint)h.Hidden);
        writer.AddUInt32(K(GgufKeys.BlockCount), (uint)h.Layers);
        writer.AddUInt32(K(GgufKeys.FeedForwardLength), (uint)h.Intermediate);
        writer.AddUInt32(K(GgufKeys.RopeDimensionCount), (uint)(h.Hidden / h.Heads));
        writer.AddUInt32(K(GgufKeys.AttentionHeadCount), (uint)h.Heads);
        writer.AddUInt32(K(GgufKeys.AttentionHeadCountKv), (uint)h.KvHeads);
        writer.AddFloat32(K(GgufKeys.AttentionLayerNormRmsEpsilon), h.RmsNormEps);
        if (h.RopeTheta is { } theta) writer.AddFloat32(K(GgufKeys.RopeFreqBase), theta);
        writer.AddUInt32(GgufKeys.GeneralFileType, (uint)fileType);
        writer.AddUInt32(GgufKeys.GeneralQuantizationVersion, GgufConstants.QuantizationVersion);

        writer.AddString(GgufKeys.TokenizerModel, GgufConstants.LlamaTokenizerModel);
        writer.AddStringArray(GgufKeys.TokenizerTokens, vocab.Tokens);
        writer.AddFloat32Array(GgufKeys.TokenizerScores, vocab.Scores.ToArray());
        writer.AddInt32Array(GgufKeys.TokenizerTokenType, vocab.TokenTypes.Select(t => (int)t).ToArray());
        foreach (var (kind, id) in vocab.SpecialTokenIds)
        {
            string? key = kind switch
            {
                "bos" => GgufKeys.TokenizerBosTokenId,
                "eos" => GgufKeys.TokenizerEosTokenId,
                "unk" => GgufKeys.TokenizerUnknownTokenId,
                "pad" => GgufKeys.TokenizerPaddingTokenId,
                _ => "tokenizer.ggml." + kind + "_token_id",
            };
            writer.AddUInt32(key, (uint)id);
        }
        foreach (var (kind, add) in vocab.AddSpecialTokens)
            writer.AddBool("tokenizer.ggml.add_" + kind + "_token", add);
    }
}
