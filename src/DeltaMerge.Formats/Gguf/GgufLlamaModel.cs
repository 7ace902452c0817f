using System.Globalization;
using System.Text.Json.Nodes;
using DeltaMerge.Formats.Gather;
using DeltaMerge.Formats.IO;
using DeltaMerge.Formats.Naming;

namespace DeltaMerge.Formats.Gguf;

/// <summary>
/// A LLaMA GGUF file seen as a Hugging Face model: tensors under their Hugging Face names with q/k rows gathered back
/// from llama.cpp's rotary layout, and the config.json that its metadata describes. Only F32, F16 and BF16 tensors can
/// be read back exactly; quantized types are refused.
/// </summary>
public static class GgufLlamaModel
{
    /// <summary>HF-named entries of a LLaMA GGUF, in file order.</summary>
    /// <exception cref="CheckpointFormatException">Not a LLaMA GGUF, an unknown tensor name, or a quantized tensor.</exception>
    public static IReadOnlyList<TensorEntry> ReadTensors(IByteReader reader)
    {
        var gguf = GgufReader.Open(reader);
        RequireLlama(gguf, reader.FilePath);
        uint heads = gguf.GetUInt32(Key(GgufKeys.AttentionHeadCount));
        uint kvHeads = gguf.TryGetValue(Key(GgufKeys.AttentionHeadCountKv), out _) ? gguf.GetUInt32(Key(GgufKeys.AttentionHeadCountKv)) : heads;
        var entries = new List<TensorEntry>();
        foreach (var info in gguf.Tensors)
        {
            if (!LlamaGgufNames.TryToHuggingFace(info.Name, out string hf))
                throw new CheckpointFormatException(FormatErrorKind.GgufUnknownTensorName, "not a LLaMA tensor name this tool knows.", reader.FilePath, info.Name, info.Offset);
            var entry = info.ToTensorEntry(reader.FilePath)
                ?? throw new CheckpointFormatException(FormatErrorKind.GgufQuantizedTensor,
                    $"stored as {info.Type}; only F32, F16 and BF16 GGUF tensors convert back exactly (re-export from the safetensors model instead).",
                    reader.FilePath, info.Name, info.Offset);
            entry = entry with { Name = hf };
            if (LlamaGgufNames.NeedsRotaryPermutation(hf, out bool isKey))
            {
                if (entry.Shape.Length == 0 || entry.Shape[0] > int.MaxValue)
                    throw new CheckpointFormatException(FormatErrorKind.InvalidShape,
                        $"a query or key projection needs rows to permute, found shape {TensorEntry.FormatShape(entry.Shape)}.", reader.FilePath, info.Name, info.Offset);
                int rows = (int)entry.Shape[0];
                LlamaRotaryPermutation toGguf;
                try
                {
                    toGguf = isKey ? LlamaRotaryPermutation.ForKey(rows, (int)heads, (int)kvHeads) : LlamaRotaryPermutation.ForQuery(rows, (int)heads);
                }
                catch (ArgumentException e)
                {
                    // The permutation checks that the head counts split the rows into pairs; metadata that fails is inconsistent.
                    throw new CheckpointFormatException(FormatErrorKind.GgufInvalidHeadCount,
                        $"{Key(GgufKeys.AttentionHeadCount)} {heads} / {Key(GgufKeys.AttentionHeadCountKv)} {kvHeads} do not fit the tensor's {rows} rows: {e.Message}",
                        reader.FilePath, info.Name, info.Offset, e);
                }
                var back = toGguf.Inverse;
                var sourceRows = Enumerable.Range(0, rows).Select(r => (long)back.SourceRowFor(r)).ToArray();
                entry = entry with { Gather = new PermutedRows(ContiguousRows.Of(entry), sourceRows) };
            }
            entries.Add(entry);
        }
        return entries;
    }

    /// <summary>The config.json transformers would have for the model the metadata describes.</summary>
    /// <exception cref="CheckpointFormatException">Not a LLaMA GGUF, or a required key is missing.</exception>
    public static JsonObject ReadConfig(IByteReader reader)
    {
        var gguf = GgufReader.Open(reader);
        RequireLlama(gguf, reader.FilePath);
        uint heads = gguf.GetUInt32(Key(GgufKeys.AttentionHeadCount));
        long vocab = gguf.TryGetValue(Key(GgufKeys.VocabSize), out _) ? gguf.GetUInt32(Key(GgufKeys.VocabSize)) : gguf.GetStringArray(GgufKeys.TokenizerTokens).Count;
        var config = new JsonObject
        {
            ["architectures"] = new JsonArray("LlamaForCausalLM"),
            ["model_type"] = "llama",
            ["hidden_size"] = gguf.GetUInt32(Key(GgufKeys.EmbeddingLength)),
            ["intermediate_size"] = gguf.GetUInt32(Key(GgufKeys.FeedForwardLength)),
            ["num_hidden_layers"] = gguf.GetUInt32(Key(GgufKeys.BlockCount)),
            ["num_attention_heads"] = heads,
            ["num_key_value_heads"] = gguf.TryGetValue(Key(GgufKeys.AttentionHeadCountKv), out _) ? gguf.GetUInt32(Key(GgufKeys.AttentionHeadCountKv)) : heads,
            ["max_position_embeddings"] = gguf.GetUInt32(Key(GgufKeys.ContextLength)),
            // Stored as float32: written back with the shortest text that round-trips (1e-06, not 9.99999997e-07).
            ["rms_norm_eps"] = Shortest(gguf.GetFloat32(Key(GgufKeys.AttentionLayerNormRmsEpsilon))),
            ["vocab_size"] = vocab,
            ["hidden_act"] = "silu",
            ["tie_word_embeddings"] = false,
        };
        if (gguf.TryGetValue(Key(GgufKeys.RopeFreqBase), out _)) config["rope_theta"] = Shortest(gguf.GetFloat32(Key(GgufKeys.RopeFreqBase)));
        foreach (var (key, name) in new[] { (GgufKeys.TokenizerBosTokenId, "bos_token_id"), (GgufKeys.TokenizerEosTokenId, "eos_token_id"), (GgufKeys.TokenizerPaddingTokenId, "pad_token_id") })
            if (gguf.TryGetValue(key, out _)) config[name] = gguf.GetUInt32(key);
        return config;
    }

    private static double Shortest(float value) => double.Parse(value.ToString("R", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    private static string Key(string template) => GgufKeys.ForArch(template, GgufConstants.LlamaArchitecture);

    private static void RequireLlama(GgufReader gguf, string path)
    {
        string arch = gguf.TryGetValue(GgufKeys.GeneralArchitecture, out _) ? gguf.GetString(GgufKeys.GeneralArchitecture) : "(none)";
        if (arch != GgufConstants.LlamaArchitecture)
            throw new CheckpointFormatException(FormatErrorKind.GgufUnsupportedArchitecture, $"general.architecture is '{arch}'; only 'llama' is supported.", path);
    }
}
