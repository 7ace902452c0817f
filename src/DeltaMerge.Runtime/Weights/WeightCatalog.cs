using DeltaMerge.Formats;
using DeltaMerge.Formats.Gguf;
using DeltaMerge.Formats.HuggingFace;
using DeltaMerge.Formats.Naming;

namespace DeltaMerge.Runtime.Weights;

/// <summary>
/// What a model path holds: its config and its weights by Hugging Face name, with the readers they read through.
/// Opening reads headers only; tensor bytes are read later, one weight at a time.
/// </summary>
internal sealed class WeightCatalog : IDisposable
{
    private const string GgufExtension = ".gguf";
    private const string EmbedName = "model.embed_tokens.weight";
    private const string LmHeadName = "lm_head.weight";

    private readonly ReaderPool _readers;

    private WeightCatalog(LlamaConfig config, Dictionary<string, WeightSource> weights, ReaderPool readers, string source)
    {
        Config = config;
        Weights = weights;
        _readers = readers;
        Source = source;
        // A tied head reads the embedding's bytes.
        if (config.TieWordEmbeddings && !weights.ContainsKey(LmHeadName) && weights.TryGetValue(EmbedName, out var embed))
            weights[LmHeadName] = embed;
    }

    public LlamaConfig Config { get; }

    public IReadOnlyDictionary<string, WeightSource> Weights { get; }

    public string Source { get; }

    /// <summary>Opens a model directory (Hugging Face safetensors or .bin, Meta) or a <c>.gguf</c> file.</summary>
    /// <exception cref="ModelLoadException">Not found, no config, or the config is not a supported LLaMA.</exception>
    /// <exception cref="CheckpointFormatException">A malformed weight file.</exception>
    public static WeightCatalog Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string full = Path.GetFullPath(path);
        if (File.Exists(full) && full.EndsWith(GgufExtension, StringComparison.OrdinalIgnoreCase)) return OpenGguf(full);
        if (!Directory.Exists(full))
            throw new ModelLoadException(ModelLoadErrorKind.ModelNotFound, "expected a model directory or a .gguf file.", full);
        return OpenDirectory(full);
    }

    private static WeightCatalog OpenDirectory(string dir)
    {
        var model = ModelDirectory.Open(dir);
        var json = model.ReadConfig() ?? throw new ModelLoadException(ModelLoadErrorKind.MissingConfig, $"the directory has no {ModelDirectory.ConfigFile}.", dir);
        var config = LlamaConfig.FromJson(json, model.PathOf(ModelDirectory.ConfigFile));
        var readers = new ReaderPool();
        try
        {
            var weights = new Dictionary<string, WeightSource>(StringComparer.Ordinal);
            foreach (var entry in model.ReadTensors(readers.Get))
                weights[entry.Name] = new EntryWeight(entry, readers);
            return new WeightCatalog(config, weights, readers, dir);
        }
        catch
        {
            readers.Dispose();
            throw;
        }
    }

    private static WeightCatalog OpenGguf(string file)
    {
        var readers = new ReaderPool();
        try
        {
            var reader = readers.Get(file);
            var gguf = GgufReader.Open(reader);
            var config = LlamaConfig.FromGguf(gguf);
            var weights = new Dictionary<string, WeightSource>(StringComparer.Ordinal);
            foreach (var info in gguf.Tensors)
            {
                if (!LlamaGgufNames.TryToHuggingFace(info.Name, out string hfName)) continue;  // e.g. rope_freqs: not a weight we use
                DType delivered;
                if (info.Type == GgmlType.Q8_0) delivered = DType.F32;
                else if (!GgmlTypeInfo.TryGetDType(info.Type, out delivered) || !TorchDTypes.TryToTorch(delivered, out _))
                    throw new ModelLoadException(ModelLoadErrorKind.UnsupportedTensorType,
                        $"stored as {GgmlTypeInfo.Describe(info.Type)}; supported are F32, F16, BF16 and Q8_0.", file, hfName);
                weights[hfName] = new GgufWeight(hfName, info, delivered, reader, ToHuggingFaceRows(hfName, info, config, file));
            }
            return new WeightCatalog(config, weights, readers, file);
        }
        catch
        {
            readers.Dispose();
            throw;
        }
    }

    /// <summary>The inverse of convert_hf_to_gguf's q/k permutation, or null for other weights.</summary>
    private static LlamaRotaryPermutation? ToHuggingFaceRows(string hfName, GgufTensorInfo info, LlamaConfig config, string file)
    {
        if (!LlamaGgufNames.NeedsRotaryPermutation(hfName, out bool isKey)) return null;
        long rows = info.Shape.Length == 2 ? info.Shape[0] : 0;
        long expected = (isKey ? config.KvHeadCount : config.HeadCount) * (long)config.HeadDim;
        if (rows != expected)
            throw new ModelLoadException(ModelLoadErrorKind.ShapeMismatch,
                $"expected {expected} rows from the config, found shape {TensorEntry.FormatShape(info.Shape)}.", file, hfName);
        var forward = isKey ? LlamaRotaryPermutation.ForKey((int)rows, config.HeadCount, config.KvHeadCount)
            : LlamaRotaryPermutation.ForQuery((int)rows, config.HeadCount);
        return forward.Inverse;
    }

    public void Dispose() => _readers.Dispose();
}
