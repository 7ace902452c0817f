using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using DeltaMerge.Formats.Gguf;

namespace DeltaMerge.Runtime;

/// <summary>The hyperparameters of a LLaMA model, from a Hugging Face config.json or GGUF metadata.</summary>
public sealed record LlamaConfig
{
    /// <summary>The transformers class this runtime implements.</summary>
    public const string HuggingFaceArchitecture = "LlamaForCausalLM";

    /// <summary>The <c>model_type</c> value of LLaMA.</summary>
    public const string ModelType = "llama";

    private const double DefaultRopeTheta = 10000.0;     // transformers' LlamaConfig default
    private const int DefaultMaxPositions = 2048;         // transformers' LlamaConfig default

    /// <summary>hidden_size.</summary>
    public required int HiddenSize { get; init; }
    /// <summary>intermediate_size (SwiGLU width).</summary>
    public required int IntermediateSize { get; init; }
    /// <summary>num_hidden_layers.</summary>
    public required int LayerCount { get; init; }
    /// <summary>num_attention_heads.</summary>
    public required int HeadCount { get; init; }
    /// <summary>num_key_value_heads (grouped-query attention when fewer than <see cref="HeadCount"/>).</summary>
    public required int KvHeadCount { get; init; }
    /// <summary>head_dim: hidden_size / num_attention_heads unless given.</summary>
    public required int HeadDim { get; init; }
    /// <summary>rms_norm_eps.</summary>
    public required double RmsNormEps { get; init; }
    /// <summary>rope_theta.</summary>
    public required double RopeTheta { get; init; }
    /// <summary>vocab_size.</summary>
    public required int VocabSize { get; init; }
    /// <summary>max_position_embeddings: the longest sequence the model runs.</summary>
    public required int MaxPositions { get; init; }
    /// <summary>bos_token_id, when known.</summary>
    public int? BosTokenId { get; init; }
    /// <summary>eos_token_id, when known (the first, when config.json gives a list).</summary>
    public int? EosTokenId { get; init; }
    /// <summary>tie_word_embeddings: the LM head reuses the token embeddings when the checkpoint has no lm_head.</summary>
    public bool TieWordEmbeddings { get; init; }

    /// <summary>Reads a Hugging Face config.json.</summary>
    /// <exception cref="ModelLoadException"><see cref="ModelLoadErrorKind.UnsupportedArchitecture"/> for another model type,
    /// <see cref="ModelLoadErrorKind.UnsupportedFeature"/> for LLaMA variants not implemented, <see cref="ModelLoadErrorKind.InvalidConfig"/>.</exception>
    public static LlamaConfig FromJson(JsonObject config, string source)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (config["architectures"] is JsonArray archs && archs.Count > 0
            && !archs.Any(a => a is JsonValue v && v.GetValueKind() == JsonValueKind.String && v.GetValue<string>() == HuggingFaceArchitecture))
            throw new ModelLoadException(ModelLoadErrorKind.UnsupportedArchitecture,
                $"architectures is {archs.ToJsonString()}; only {HuggingFaceArchitecture} is supported.", source);
        if (config["model_type"] is JsonValue mt && mt.GetValueKind() == JsonValueKind.String && mt.GetValue<string>() != ModelType)
            throw new ModelLoadException(ModelLoadErrorKind.UnsupportedArchitecture, $"model_type is '{mt.GetValue<string>()}'; only '{ModelType}' is supported.", source);
        // Variants whose forward differs from the plain LLaMA one are refused rather than run wrongly.
        if (config["rope_scaling"] is JsonObject)
            throw new ModelLoadException(ModelLoadErrorKind.UnsupportedFeature, "rope_scaling is not supported.", source);
        if (Bool(config, "attention_bias") || Bool(config, "mlp_bias"))
            throw new ModelLoadException(ModelLoadErrorKind.UnsupportedFeature, "attention or MLP biases are not supported.", source);
        if (config["hidden_act"] is JsonValue act && act.GetValueKind() == JsonValueKind.String && act.GetValue<string>() != "silu")
            throw new ModelLoadException(ModelLoadErrorKind.UnsupportedFeature, $"hidden_act '{act.GetValue<string>()}' is not supported (only silu).", source);

        int hidden = Int(config, "hidden_size", source);
        int heads = Int(config, "num_attention_heads", source);
        var result = new LlamaConfig
        {
            HiddenSize = hidden,
            IntermediateSize = Int(config, "intermediate_size", source),
            LayerCount = Int(config, "num_hidden_layers", source),
            HeadCount = heads,
            KvHeadCount = OptionalInt(config, "num_key_value_heads", source) ?? heads,
            HeadDim = OptionalInt(config, "head_dim", source) ?? (heads > 0 ? hidden / heads : 0),
            RmsNormEps = Number(config, "rms_norm_eps", source) ?? throw Missing("rms_norm_eps", source),
            RopeTheta = Number(config, "rope_theta", source) ?? DefaultRopeTheta,
            VocabSize = Int(config, "vocab_size", source),
            MaxPositions = OptionalInt(config, "max_position_embeddings", source) ?? DefaultMaxPositions,
            BosTokenId = OptionalInt(config, "bos_token_id", source),
            EosTokenId = config["eos_token_id"] is JsonArray eos && eos.Count > 0
                ? OptionalInt(new JsonObject { ["eos_token_id"] = eos[0]?.DeepClone() }, "eos_token_id", source)
                : OptionalInt(config, "eos_token_id", source),
            TieWordEmbeddings = Bool(config, "tie_word_embeddings"),
        };
        result.Validate(source);
        return result;
    }

    /// <summary>
    /// Reads the <c>llama.*</c> metadata of a GGUF file (as convert_hf_to_gguf.py writes it) through the config.json the
    /// formats library's view derives from it, so both formats are validated by <see cref="FromJson"/>.
    /// </summary>
    /// <exception cref="ModelLoadException"><see cref="ModelLoadErrorKind.InvalidConfig"/> when a key is missing or of the wrong type,
    /// or a value is out of range.</exception>
    public static LlamaConfig FromGguf(GgufLlamaModel gguf)
    {
        ArgumentNullException.ThrowIfNull(gguf);
        string source = gguf.Gguf.FilePath;
        JsonObject config;
        try
        {
            config = gguf.ReadConfig();
        }
        catch (Formats.CheckpointFormatException e)
        {
            throw new ModelLoadException(ModelLoadErrorKind.InvalidConfig, e.Message, source, inner: e);
        }
        return FromJson(config, source);
    }

    /// <summary>
    /// Upper bounds far above any LLaMA (7B: 4096 hidden, 11008 intermediate, 32 layers, 32000 tokens, 2048 positions),
    /// so a corrupt or hostile header is refused before sizes derived from it are allocated or looped over.
    /// </summary>
    private static readonly (string Name, Func<LlamaConfig, int> Value, int Max)[] Bounds =
    [
        ("hidden_size", c => c.HiddenSize, 1 << 16),
        ("intermediate_size", c => c.IntermediateSize, 1 << 18),
        ("num_hidden_layers", c => c.LayerCount, 1 << 10),
        ("num_attention_heads", c => c.HeadCount, 1 << 10),
        ("num_key_value_heads", c => c.KvHeadCount, 1 << 10),
        ("head_dim", c => c.HeadDim, 1 << 12),
        ("vocab_size", c => c.VocabSize, 1 << 22),
        ("max_position_embeddings", c => c.MaxPositions, 1 << 24),
    ];

    /// <summary>
    /// Elements of all weights the config implies (embeddings, every layer, final norm, LM head unless tied), in a
    /// double so no config overflows it. Compared with what the checkpoint holds before the model is allocated.
    /// </summary>
    public double ParameterCount()
    {
        double h = HiddenSize, attention = (double)HeadCount * HeadDim, kv = (double)KvHeadCount * HeadDim;
        double layer = h * attention * 2 + h * kv * 2 + 3 * h * IntermediateSize + 2 * h;
        return (double)VocabSize * h * (TieWordEmbeddings ? 1 : 2) + LayerCount * layer + h;
    }

    /// <summary>Checks that the numbers make a LLaMA: positive sizes within bounds, heads dividing evenly.</summary>
    private void Validate(string source)
    {
        foreach (var (name, value, max) in Bounds)
            if (value(this) > max)
                throw new ModelLoadException(ModelLoadErrorKind.InvalidConfig,
                    $"{name} = {value(this).ToString(CultureInfo.InvariantCulture)} exceeds the limit of {max.ToString(CultureInfo.InvariantCulture)}.", source);
        foreach (var (name, value) in new[] { ("hidden_size", HiddenSize), ("intermediate_size", IntermediateSize), ("num_hidden_layers", LayerCount),
                     ("num_attention_heads", HeadCount), ("num_key_value_heads", KvHeadCount), ("head_dim", HeadDim), ("vocab_size", VocabSize),
                     ("max_position_embeddings", MaxPositions) })
            if (value <= 0) throw new ModelLoadException(ModelLoadErrorKind.InvalidConfig, $"{name} must be positive, found {value}.", source);
        if (HeadCount % KvHeadCount != 0)
            throw new ModelLoadException(ModelLoadErrorKind.InvalidConfig, $"num_attention_heads {HeadCount} is not a multiple of num_key_value_heads {KvHeadCount}.", source);
        if (HeadDim % 2 != 0)
            throw new ModelLoadException(ModelLoadErrorKind.InvalidConfig, $"head_dim {HeadDim} must be even for rotary embeddings.", source);
        if (!(RmsNormEps > 0) || !(RopeTheta > 0))
            throw new ModelLoadException(ModelLoadErrorKind.InvalidConfig, "rms_norm_eps and rope_theta must be positive.", source);
    }

    private static ModelLoadException Missing(string key, string source) =>
        new(ModelLoadErrorKind.InvalidConfig, $"'{key}' is missing.", source);

    private static bool Bool(JsonObject config, string key) =>
        config[key] is JsonValue v && v.GetValueKind() == JsonValueKind.True;

    private static double? Number(JsonObject config, string key, string source)
    {
        if (config[key] is null) return null;
        // Values may be parsed JSON or set from code, so read them through their JSON text.
        if (config[key] is JsonValue v && v.GetValueKind() == JsonValueKind.Number
            && double.TryParse(v.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out double d)) return d;
        throw new ModelLoadException(ModelLoadErrorKind.InvalidConfig, $"'{key}' must be a number, found {config[key]!.ToJsonString()}.", source);
    }

    private static int? OptionalInt(JsonObject config, string key, string source)
    {
        if (Number(config, key, source) is not { } d) return null;
        if (d != Math.Floor(d))
            throw new ModelLoadException(ModelLoadErrorKind.InvalidConfig, $"'{key}' = {d.ToString(CultureInfo.InvariantCulture)} is not an integer.", source);
        // One past int.MaxValue (a uint32 GGUF value, say) is a config error, not an overflow.
        if (d < int.MinValue || d > int.MaxValue)
            throw new ModelLoadException(ModelLoadErrorKind.InvalidConfig, $"'{key}' = {d.ToString(CultureInfo.InvariantCulture)} is out of range.", source);
        return (int)d;
    }

    private static int Int(JsonObject config, string key, string source) => OptionalInt(config, key, source) ?? throw Missing(key, source);
}
