using System.Globalization;
using System.Text.Json.Nodes;
using DeltaMerge.Formats.Gather;
using DeltaMerge.Formats.IO;
using DeltaMerge.Formats.Naming;

namespace DeltaMerge.Formats.Gguf;

/// <summary>
/// A LLaMA GGUF file seen as a Hugging Face model, from one read of its header: tensors under their Hugging Face names
/// with q/k rows gathered back from llama.cpp's rotary layout, and the config.json that its metadata describes. The
/// merge pipeline and the runtime both read GGUF through this view.
/// </summary>
public sealed class GgufLlamaModel
{
    private readonly string _path;

    private GgufLlamaModel(GgufReader gguf, string path)
    {
        Gguf = gguf;
        _path = path;
    }

    /// <summary>The parsed file: metadata (the tokenizer's vocabulary among it) and tensor infos under GGUF names.</summary>
    public GgufReader Gguf { get; }

    /// <summary>Parses the header behind <paramref name="reader"/> (once) and checks it describes a LLaMA.</summary>
    /// <exception cref="CheckpointFormatException">A malformed GGUF, or <see cref="FormatErrorKind.GgufUnsupportedArchitecture"/>.</exception>
    public static GgufLlamaModel Open(IByteReader reader)
    {
        var gguf = GgufReader.Open(reader);
        string arch = gguf.TryGetValue(GgufKeys.GeneralArchitecture, out _) ? gguf.GetString(GgufKeys.GeneralArchitecture) : "(none)";
        if (arch != GgufConstants.LlamaArchitecture)
            throw new CheckpointFormatException(FormatErrorKind.GgufUnsupportedArchitecture,
                $"general.architecture is '{arch}'; only '{GgufConstants.LlamaArchitecture}' is supported.", reader.FilePath);
        return new GgufLlamaModel(gguf, reader.FilePath);
    }

    /// <summary>HF-named entries of a LLaMA GGUF, in file order (parses the header; use <see cref="Open"/> to read more than the tensors).</summary>
    /// <exception cref="CheckpointFormatException">See <see cref="ReadTensors()"/>.</exception>
    public static IReadOnlyList<TensorEntry> ReadTensors(IByteReader reader) => Open(reader).ReadTensors();

    /// <summary>The config.json of a LLaMA GGUF (parses the header; use <see cref="Open"/> to read more than the config).</summary>
    /// <exception cref="CheckpointFormatException">See <see cref="ReadConfig()"/>.</exception>
    public static JsonObject ReadConfig(IByteReader reader) => Open(reader).ReadConfig();

    /// <summary>
    /// HF-named entries, in file order, for exact conversion: only F32, F16 and BF16 tensors can be read back exactly,
    /// so quantized ones are refused, as are tensors this tool does not know.
    /// </summary>
    /// <exception cref="CheckpointFormatException">An unknown tensor name, a quantized tensor, or head counts that do not fit a q/k tensor.</exception>
    public IReadOnlyList<TensorEntry> ReadTensors()
    {
        var entries = new List<TensorEntry>();
        foreach (var info in Gguf.Tensors)
        {
            if (!LlamaGgufNames.TryToHuggingFace(info.Name, out string hf))
                throw new CheckpointFormatException(FormatErrorKind.GgufUnknownTensorName, "not a LLaMA tensor name this tool knows.", _path, info.Name, info.Offset);
            var entry = info.ToTensorEntry(_path)
                ?? throw new CheckpointFormatException(FormatErrorKind.GgufQuantizedTensor,
                    $"stored as {info.Type}; only F32, F16 and BF16 GGUF tensors convert back exactly (re-export from the safetensors model instead).",
                    _path, info.Name, info.Offset);
            entry = entry with { Name = hf };
            if (RowsToHuggingFace(hf, info) is { } back)
            {
                var sourceRows = Enumerable.Range(0, back.Rows).Select(r => (long)back.SourceRowFor(r)).ToArray();
                entry = entry with { Gather = new PermutedRows(ContiguousRows.Of(entry), sourceRows) };
            }
            entries.Add(entry);
        }
        return entries;
    }

    /// <summary>
    /// For a q or k projection (by its Hugging Face name <paramref name="hfName"/>), the inverse of convert_hf_to_gguf's
    /// rotary permutation: Hugging Face row r is file row <c>SourceRowFor(r)</c>. Null for every other tensor.
    /// </summary>
    /// <exception cref="CheckpointFormatException"><see cref="FormatErrorKind.InvalidShape"/> without rows to permute,
    /// <see cref="FormatErrorKind.GgufInvalidHeadCount"/> when the head counts do not split the rows.</exception>
    public LlamaRotaryPermutation? RowsToHuggingFace(string hfName, GgufTensorInfo info)
    {
        if (!LlamaGgufNames.NeedsRotaryPermutation(hfName, out bool isKey)) return null;
        long[] shape = info.Shape;
        if (shape.Length == 0 || shape[0] > int.MaxValue)
            throw new CheckpointFormatException(FormatErrorKind.InvalidShape,
                $"a query or key projection needs rows to permute, found shape {TensorEntry.FormatShape(shape)}.", _path, info.Name, info.Offset);
        int rows = (int)shape[0];
        uint heads = HeadCount, kvHeads = KvHeadCount;
        try
        {
            return (isKey ? LlamaRotaryPermutation.ForKey(rows, (int)heads, (int)kvHeads) : LlamaRotaryPermutation.ForQuery(rows, (int)heads)).Inverse;
        }
        catch (ArgumentException e)
        {
            // The permutation checks that the head counts split the rows into pairs; metadata that fails is inconsistent.
            throw new CheckpointFormatException(FormatErrorKind.GgufInvalidHeadCount,
                $"{Key(GgufKeys.AttentionHeadCount)} {heads} / {Key(GgufKeys.AttentionHeadCountKv)} {kvHeads} do not fit the tensor's {rows} rows: {e.Message}",
                _path, info.Name, info.Offset, e);
        }
    }

    /// <summary><c>llama.attention.head_count</c>.</summary>
    /// <exception cref="CheckpointFormatException">Missing or not a uint32.</exception>
    public uint HeadCount => Gguf.GetUInt32(Key(GgufKeys.AttentionHeadCount));

    /// <summary><c>llama.attention.head_count_kv</c>, else <see cref="HeadCount"/>.</summary>
    /// <exception cref="CheckpointFormatException">Not a uint32.</exception>
    public uint KvHeadCount => Gguf.TryGetValue(Key(GgufKeys.AttentionHeadCountKv), out _) ? Gguf.GetUInt32(Key(GgufKeys.AttentionHeadCountKv)) : HeadCount;

    /// <summary>
    /// The config.json transformers would have for the model the metadata describes. The vocabulary size is
    /// <c>llama.vocab_size</c>, else the token list's length, else the embedding's rows; the head is tied to the
    /// embeddings when the file has no <c>output.weight</c> (llama.cpp then reads <c>token_embd.weight</c> for both).
    /// </summary>
    /// <exception cref="CheckpointFormatException">A required key is missing or mistyped.</exception>
    public JsonObject ReadConfig()
    {
        uint heads = HeadCount;
        var config = new JsonObject
        {
            ["architectures"] = new JsonArray("LlamaForCausalLM"),
            ["model_type"] = "llama",
            ["hidden_size"] = Gguf.GetUInt32(Key(GgufKeys.EmbeddingLength)),
            ["intermediate_size"] = Gguf.GetUInt32(Key(GgufKeys.FeedForwardLength)),
            ["num_hidden_layers"] = Gguf.GetUInt32(Key(GgufKeys.BlockCount)),
            ["num_attention_heads"] = heads,
            ["num_key_value_heads"] = KvHeadCount,
            ["max_position_embeddings"] = Gguf.GetUInt32(Key(GgufKeys.ContextLength)),
            // Stored as float32: written back with the shortest text that round-trips (1e-06, not 9.99999997e-07).
            ["rms_norm_eps"] = Shortest(Gguf.GetFloat32(Key(GgufKeys.AttentionLayerNormRmsEpsilon))),
            ["vocab_size"] = VocabSize(),
            ["hidden_act"] = "silu",
            ["tie_word_embeddings"] = !Gguf.TryGetTensor(LlamaGgufNames.ToGguf(LlamaTensorNames.LmHead), out _),
        };
        if (Gguf.TryGetValue(Key(GgufKeys.RopeFreqBase), out _)) config["rope_theta"] = Shortest(Gguf.GetFloat32(Key(GgufKeys.RopeFreqBase)));
        foreach (var (key, name) in new[] { (GgufKeys.TokenizerBosTokenId, "bos_token_id"), (GgufKeys.TokenizerEosTokenId, "eos_token_id"), (GgufKeys.TokenizerPaddingTokenId, "pad_token_id") })
            if (Gguf.TryGetValue(key, out _)) config[name] = Gguf.GetUInt32(key);
        return config;
    }

    private long VocabSize()
    {
        if (Gguf.TryGetValue(Key(GgufKeys.VocabSize), out _)) return Gguf.GetUInt32(Key(GgufKeys.VocabSize));
        if (Gguf.TryGetValue(GgufKeys.TokenizerTokens, out _)) return Gguf.GetStringArray(GgufKeys.TokenizerTokens).Count;
        if (Gguf.TryGetTensor(LlamaGgufNames.ToGguf(LlamaTensorNames.EmbedTokens), out var embeddings)) return embeddings.Shape[0];
        throw new CheckpointFormatException(FormatErrorKind.GgufMissingKey, $"metadata key '{Key(GgufKeys.VocabSize)}' is absent, and so are the token list and the embeddings.", _path);
    }

    private static double Shortest(float value) => double.Parse(value.ToString("R", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    private static string Key(string template) => GgufKeys.ForArch(template, GgufConstants.LlamaArchitecture);
}
