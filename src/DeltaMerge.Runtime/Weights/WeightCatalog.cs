using System.Text.Json;
using System.Text.Json.Nodes;
using DeltaMerge.Formats;
using DeltaMerge.Formats.Gguf;
using DeltaMerge.Formats.HuggingFace;
using DeltaMerge.Formats.IO;
using DeltaMerge.Formats.Naming;

namespace DeltaMerge.Runtime.Weights;

/// <summary>
/// What a model path holds: its config and its weights by Hugging Face name, with the readers they read through, from
/// the formats library's views (<see cref="ModelDirectory"/> for Hugging Face and Meta directories,
/// <see cref="GgufLlamaModel"/> for a GGUF file). Opening reads each header once; tensor bytes are read later, one
/// weight at a time.
/// </summary>
internal sealed class WeightCatalog : IDisposable
{
    private const string GgufExtension = ".gguf";

    private readonly ReaderPool _readers;

    private WeightCatalog(LlamaConfig config, Dictionary<string, WeightSource> weights, ReaderPool readers, string source,
        RuntimeDType? storedAs16Bit, GgufLlamaModel? gguf)
    {
        Config = config;
        Weights = weights;
        _readers = readers;
        Source = source;
        StoredAs16Bit = storedAs16Bit;
        Gguf = gguf;
        // A tied head reads the embedding's bytes.
        if (config.TieWordEmbeddings && !weights.ContainsKey(LlamaTensorNames.LmHead) && weights.TryGetValue(LlamaTensorNames.EmbedTokens, out var embed))
            weights[LlamaTensorNames.LmHead] = embed;
    }

    public LlamaConfig Config { get; }

    public IReadOnlyDictionary<string, WeightSource> Weights { get; }

    public string Source { get; }

    /// <summary>The 16-bit type the weights are stored in (config.json <c>torch_dtype</c>, GGUF <c>general.file_type</c>), else null.</summary>
    public RuntimeDType? StoredAs16Bit { get; }

    /// <summary>The GGUF view, for a GGUF file (its metadata holds the vocabulary); null for a directory.</summary>
    public GgufLlamaModel? Gguf { get; }

    /// <summary>Whether <paramref name="path"/> names a GGUF file rather than a model directory.</summary>
    public static bool IsGgufFile(string path) => File.Exists(path) && path.EndsWith(GgufExtension, StringComparison.OrdinalIgnoreCase);

    /// <summary>Opens a model directory (Hugging Face safetensors or .bin, Meta) or a <c>.gguf</c> file.</summary>
    /// <exception cref="ModelLoadException">Not found, no config, or the config is not a supported LLaMA.</exception>
    /// <exception cref="CheckpointFormatException">A malformed weight file.</exception>
    /// <param name="path">The model.</param>
    /// <param name="openFile">Opens a weight file for reading (tests count reads through it); a <see cref="FileByteReader"/> by default.</param>
    public static WeightCatalog Open(string path, Func<string, IByteReader>? openFile = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string full = Path.GetFullPath(path);
        if (IsGgufFile(full)) return OpenGguf(full, new ReaderPool(openFile));
        if (!Directory.Exists(full))
            throw new ModelLoadException(ModelLoadErrorKind.ModelNotFound, "expected a model directory or a .gguf file.", full);
        return OpenDirectory(full, new ReaderPool(openFile));
    }

    private static WeightCatalog OpenDirectory(string dir, ReaderPool readers)
    {
        var model = ModelDirectory.Open(dir);
        var json = model.ReadConfig() ?? throw new ModelLoadException(ModelLoadErrorKind.MissingConfig, $"the directory has no {ModelDirectory.ConfigFile}.", dir);
        string configPath = model.MetaParams != null ? model.PathOf(Formats.Meta.MetaParams.FileName) : model.PathOf(ModelDirectory.ConfigFile);
        var stored = TorchDType(json, configPath);
        var config = LlamaConfig.FromJson(json, model.PathOf(ModelDirectory.ConfigFile));
        try
        {
            var weights = new Dictionary<string, WeightSource>(StringComparer.Ordinal);
            foreach (var entry in model.ReadTensors(readers.Get))
                weights[entry.Name] = new EntryWeight(entry, readers);
            return new WeightCatalog(config, weights, readers, dir, stored, gguf: null);
        }
        catch
        {
            readers.Dispose();
            throw;
        }
    }

    private static WeightCatalog OpenGguf(string file, ReaderPool readers)
    {
        try
        {
            var reader = readers.Get(file);
            GgufLlamaModel model;
            try
            {
                model = GgufLlamaModel.Open(reader);
            }
            catch (CheckpointFormatException e) when (e.Kind == FormatErrorKind.GgufUnsupportedArchitecture)
            {
                throw new ModelLoadException(ModelLoadErrorKind.UnsupportedArchitecture, e.Message, file, inner: e);
            }
            var config = LlamaConfig.FromGguf(model);
            var weights = new Dictionary<string, WeightSource>(StringComparer.Ordinal);
            foreach (var info in model.Gguf.Tensors)
            {
                if (!LlamaGgufNames.TryToHuggingFace(info.Name, out string hfName)) continue;  // e.g. rope_freqs: not a weight we use
                DType delivered;
                if (info.Type == GgmlType.Q8_0) delivered = DType.F32;
                else if (!GgmlTypeInfo.TryGetDType(info.Type, out delivered) || !TorchDTypes.TryToTorch(delivered, out _))
                    throw new ModelLoadException(ModelLoadErrorKind.UnsupportedTensorType,
                        $"stored as {GgmlTypeInfo.Describe(info.Type)}; supported are F32, F16, BF16 and Q8_0.", file, hfName);
                weights[hfName] = new GgufWeight(hfName, info, delivered, reader, ToHuggingFaceRows(model, hfName, info, config, file));
            }
            return new WeightCatalog(config, weights, readers, file, StoredType(model.Gguf), model);
        }
        catch
        {
            readers.Dispose();
            throw;
        }
    }

    /// <summary>The view's inverse of convert_hf_to_gguf's q/k permutation, once the rows are checked against the config; null for other weights.</summary>
    private static LlamaRotaryPermutation? ToHuggingFaceRows(GgufLlamaModel model, string hfName, GgufTensorInfo info, LlamaConfig config, string file)
    {
        if (!LlamaGgufNames.NeedsRotaryPermutation(hfName, out bool isKey)) return null;
        long rows = info.Shape.Length == 2 ? info.Shape[0] : 0;
        long expected = (isKey ? config.KvHeadCount : config.HeadCount) * (long)config.HeadDim;
        if (rows != expected)
            throw new ModelLoadException(ModelLoadErrorKind.ShapeMismatch,
                $"expected {expected} rows from the config, found shape {TensorEntry.FormatShape(info.Shape)}.", file, hfName);
        return model.RowsToHuggingFace(hfName, info);
    }

    /// <summary>config.json <c>torch_dtype</c> when it names a 16-bit type.</summary>
    private static RuntimeDType? TorchDType(JsonObject config, string source)
    {
        if (config["torch_dtype"] is not { } dtype) return null;
        if (dtype is not JsonValue v || v.GetValueKind() != JsonValueKind.String)
            throw new ModelLoadException(ModelLoadErrorKind.InvalidConfig, $"'torch_dtype' must be a string, found {dtype.ToJsonString()}.", source);
        return v.GetValue<string>() switch { "float16" => RuntimeDType.Float16, "bfloat16" => RuntimeDType.BFloat16, _ => null };
    }

    /// <summary>GGUF <c>general.file_type</c> when it is mostly a 16-bit type (Q8_0 scales are fp16).</summary>
    private static RuntimeDType? StoredType(GgufReader gguf)
    {
        uint fileType = gguf.TryGetValue(GgufKeys.GeneralFileType, out _) ? gguf.GetUInt32(GgufKeys.GeneralFileType) : 0;
        return (LlamaFileType)fileType switch
        {
            LlamaFileType.MostlyF16 or LlamaFileType.MostlyQ8_0 => RuntimeDType.Float16,
            LlamaFileType.MostlyBF16 => RuntimeDType.BFloat16,
            _ => null,
        };
    }

    public void Dispose() => _readers.Dispose();
}
