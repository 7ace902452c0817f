using System.Text.Json;
using System.Text.Json.Nodes;
using DeltaMerge.Formats.IO;
using DeltaMerge.Formats.Json;

namespace DeltaMerge.Formats.Meta;

/// <summary>
/// Meta's <c>params.json</c>: the hyper-parameters of an original LLaMA checkpoint, and what transformers'
/// <c>convert_llama_weights_to_hf.py</c> derives from them (intermediate size, head sizes, the HF config).
/// </summary>
/// <param name="Dim">Hidden size (<c>dim</c>).</param>
/// <param name="Layers">Decoder layers (<c>n_layers</c>).</param>
/// <param name="Heads">Attention heads (<c>n_heads</c>).</param>
/// <param name="KvHeads">Key/value heads (<c>n_kv_heads</c>, grouped-query attention); null when absent (= <paramref name="Heads"/>).</param>
/// <param name="VocabSize">Vocabulary rows (<c>vocab_size</c>); -1 means "the rows of tok_embeddings".</param>
/// <param name="MultipleOf">The FFN size is rounded up to a multiple of this (<c>multiple_of</c>, default 256).</param>
/// <param name="FfnDimMultiplier">Scale of the FFN size (<c>ffn_dim_multiplier</c>); null when absent (= 1).</param>
/// <param name="NormEps">RMSNorm epsilon (<c>norm_eps</c>).</param>
/// <param name="RopeTheta">Rotary base (<c>rope_theta</c>, default 10000).</param>
public sealed record MetaParams(int Dim, int Layers, int Heads, int? KvHeads, long VocabSize, int MultipleOf, double? FfnDimMultiplier, double NormEps, double RopeTheta)
{
    /// <summary>The file name in a Meta checkpoint directory.</summary>
    public const string FileName = "params.json";

    /// <summary><c>vocab_size</c> value meaning "take it from tok_embeddings".</summary>
    public const long VocabFromEmbeddings = -1;

    /// <summary>Defaults of Meta's <c>ModelArgs</c> for optional fields.</summary>
    private const int DefaultMultipleOf = 256;
    private const double DefaultRopeTheta = 10000.0;

    /// <summary>What <c>convert_llama_weights_to_hf.py</c> writes for <c>max_position_embeddings</c> (LLaMA 1's context).</summary>
    public const int MaxPositionEmbeddings = 2048;

    /// <summary>Key/value heads: <see cref="KvHeads"/>, or <see cref="Heads"/> without grouped-query attention.</summary>
    public int KeyValueHeads => KvHeads ?? Heads;

    /// <summary>Rows of one head (<c>dim / n_heads</c>).</summary>
    public int HeadDim => Dim / Heads;

    /// <summary>Rows of wk and wv (<c>head_dim * n_kv_heads</c>).</summary>
    public int KeyValueDim => HeadDim * KeyValueHeads;

    /// <summary>The FFN hidden size (rows of w1/w3), as the conversion script computes it.</summary>
    public long IntermediateSize => ComputeIntermediateSize(Dim, FfnDimMultiplier ?? 1, MultipleOf);

    /// <summary>
    /// <c>compute_intermediate_size</c> of transformers' conversion script (and Meta's FeedForward):
    /// <c>multiple_of * ((int(ffn_dim_multiplier * int(8 * n / 3)) + multiple_of - 1) // multiple_of)</c>.
    /// </summary>
    public static long ComputeIntermediateSize(long n, double ffnDimMultiplier = 1, long multipleOf = DefaultMultipleOf)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(multipleOf, 1);
        // Python's float division and int() truncation, in the same double arithmetic.
        long hidden = (long)(ffnDimMultiplier * (long)(8.0 * n / 3.0));
        return checked(multipleOf * ((hidden + multipleOf - 1) / multipleOf));
    }

    /// <summary>Reads and checks <paramref name="path"/>.</summary>
    /// <exception cref="CheckpointFormatException">Missing (<see cref="FormatErrorKind.MetaParamsMissing"/>) or invalid (<see cref="FormatErrorKind.MetaParamsInvalid"/>).</exception>
    public static MetaParams Load(string path)
    {
        if (!File.Exists(path))
            throw new CheckpointFormatException(FormatErrorKind.MetaParamsMissing, $"no {FileName}; a Meta checkpoint needs it beside consolidated.NN.pth.", path);
        return Parse(RegularFile.ReadAllBytes(path), path);
    }

    /// <summary>Parses and checks the bytes of a params.json read from <paramref name="path"/>.</summary>
    /// <exception cref="CheckpointFormatException">Invalid (<see cref="FormatErrorKind.MetaParamsInvalid"/>).</exception>
    public static MetaParams Parse(ReadOnlySpan<byte> json, string path)
    {
        JsonObject obj;
        try
        {
            obj = StrictJson.Parse(json) as JsonObject ?? throw Invalid(path, "expected a JSON object.");
        }
        catch (JsonException e)
        {
            throw new CheckpointFormatException(FormatErrorKind.MetaParamsInvalid, $"not valid JSON: {e.Message}", path, inner: e);
        }
        var p = new MetaParams(
            Dim: Int(obj, "dim", path),
            Layers: Int(obj, "n_layers", path),
            Heads: Int(obj, "n_heads", path),
            KvHeads: OptionalInt(obj, "n_kv_heads", path),
            VocabSize: OptionalInt(obj, "vocab_size", path) ?? VocabFromEmbeddings,
            MultipleOf: OptionalInt(obj, "multiple_of", path) ?? DefaultMultipleOf,
            FfnDimMultiplier: OptionalDouble(obj, "ffn_dim_multiplier", path),
            NormEps: OptionalDouble(obj, "norm_eps", path) ?? throw Invalid(path, "'norm_eps' is missing."),
            RopeTheta: OptionalDouble(obj, "rope_theta", path) ?? DefaultRopeTheta);
        p.Check(path);
        return p;
    }

    private void Check(string path)
    {
        foreach (var (name, value) in new[] { ("dim", (long)Dim), ("n_layers", Layers), ("n_heads", Heads), ("n_kv_heads", KeyValueHeads), ("multiple_of", MultipleOf) })
            if (value <= 0) throw Invalid(path, $"'{name}' is {value}; expected a positive integer.");
        if (Dim % Heads != 0) throw Invalid(path, $"dim {Dim} is not a multiple of n_heads {Heads}.");
        if (HeadDim % 2 != 0) throw Invalid(path, $"the head size dim / n_heads = {HeadDim} is odd; rotary embeddings pair rows.");
        if (Heads % KeyValueHeads != 0) throw Invalid(path, $"n_heads {Heads} is not a multiple of n_kv_heads {KeyValueHeads}.");
        if (VocabSize != VocabFromEmbeddings && VocabSize <= 0) throw Invalid(path, $"'vocab_size' is {VocabSize}; expected a positive integer or -1.");
        if (!(NormEps > 0) || !double.IsFinite(NormEps)) throw Invalid(path, $"'norm_eps' is {NormEps}; expected a positive number.");
        if (FfnDimMultiplier is { } m && (!(m > 0) || !double.IsFinite(m))) throw Invalid(path, $"'ffn_dim_multiplier' is {m}; expected a positive number.");
        if (!(RopeTheta > 0) || !double.IsFinite(RopeTheta)) throw Invalid(path, $"'rope_theta' is {RopeTheta}; expected a positive number.");
    }

    /// <summary>
    /// The config.json <c>convert_llama_weights_to_hf.py</c> writes for this model (keys sorted, as <c>save_pretrained</c> does).
    /// </summary>
    /// <param name="vocabSize">Vocabulary rows (<see cref="VocabSize"/>, or tok_embeddings' rows when that is -1).</param>
    public JsonObject ToHuggingFaceConfig(long vocabSize) => new()
    {
        ["architectures"] = new JsonArray("LlamaForCausalLM"),
        ["bos_token_id"] = 1,
        ["eos_token_id"] = 2,
        ["hidden_act"] = "silu",
        ["hidden_size"] = Dim,
        ["initializer_range"] = 0.02,
        ["intermediate_size"] = IntermediateSize,
        ["max_position_embeddings"] = MaxPositionEmbeddings,
        ["model_type"] = "llama",
        ["num_attention_heads"] = Heads,
        ["num_hidden_layers"] = Layers,
        ["num_key_value_heads"] = KeyValueHeads,
        ["rms_norm_eps"] = NormEps,
        ["rope_theta"] = RopeTheta,
        ["tie_word_embeddings"] = false,
        ["torch_dtype"] = "float16",
        ["use_cache"] = true,
        ["vocab_size"] = vocabSize,
    };

    private static CheckpointFormatException Invalid(string path, string message) => new(FormatErrorKind.MetaParamsInvalid, message, path);

    private static int Int(JsonObject obj, string key, string path) =>
        OptionalInt(obj, key, path) ?? throw Invalid(path, $"'{key}' is missing.");

    private static int? OptionalInt(JsonObject obj, string key, string path)
    {
        if (!obj.TryGetPropertyValue(key, out var node) || node is null) return null;
        if (node is JsonValue v && v.TryGetValue(out int i)) return i;
        throw Invalid(path, $"'{key}' is {node.ToJsonString()}; expected an integer.");
    }

    private static double? OptionalDouble(JsonObject obj, string key, string path)
    {
        if (!obj.TryGetPropertyValue(key, out var node) || node is null) return null;
        if (node is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.TryGetValue(out double d)) return d;
        throw Invalid(path, $"'{key}' is {node.ToJsonString()}; expected a number.");
    }
}
