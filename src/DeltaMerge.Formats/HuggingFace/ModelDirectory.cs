using System.Text.Json;
using System.Text.Json.Nodes;
using DeltaMerge.Formats.IO;
using DeltaMerge.Formats.Meta;
using DeltaMerge.Formats.Json;

namespace DeltaMerge.Formats.HuggingFace;

/// <summary>
/// A model on disk: which files hold its weights (in shard order), its config and its other files. Opening reads only
/// small JSON files; tensor headers are read by <see cref="ReadTensors"/> through readers the caller provides, so the
/// caller can hash every byte it reads. A Meta checkpoint (<c>params.json</c> + <c>consolidated.NN.pth</c>) is presented
/// as the Hugging Face model <c>convert_llama_weights_to_hf.py</c> would make of it: HF tensor names and layout, and a
/// synthesized config.
/// </summary>
public sealed class ModelDirectory
{
    /// <summary>Safetensors single-file name.</summary>
    public const string SafetensorsFile = "model.safetensors";
    /// <summary>Safetensors shard index name.</summary>
    public const string SafetensorsIndexFile = "model.safetensors.index.json";
    /// <summary>PyTorch single-file name.</summary>
    public const string BinFile = "pytorch_model.bin";
    /// <summary>PyTorch shard index name.</summary>
    public const string BinIndexFile = "pytorch_model.bin.index.json";
    /// <summary>Model configuration.</summary>
    public const string ConfigFile = "config.json";

    private ModelDirectory(string path, ModelLayout layout, IReadOnlyList<string> weightFiles, ShardIndex? index, string? indexFile,
        MetaParams? metaParams = null)
    {
        DirectoryPath = path;
        Layout = layout;
        WeightFiles = weightFiles;
        Index = index;
        IndexFile = indexFile;
        MetaParams = metaParams;
    }

    /// <summary>Absolute path of the directory.</summary>
    public string DirectoryPath { get; }

    /// <summary>How the weights are stored.</summary>
    public ModelLayout Layout { get; }

    /// <summary>Weight files, absolute paths, in shard order.</summary>
    public IReadOnlyList<string> WeightFiles { get; }

    /// <summary>The shard index, when the weights are sharded.</summary>
    public ShardIndex? Index { get; }

    /// <summary>The shard index file name, when there is one.</summary>
    public string? IndexFile { get; }

    /// <summary>The parsed params.json of a <see cref="ModelLayout.Meta"/> directory; null otherwise.</summary>
    public MetaParams? MetaParams { get; }

    /// <summary>Absolute path of <paramref name="name"/> inside the directory.</summary>
    public string PathOf(string name) => Path.Combine(DirectoryPath, name);

    /// <summary>True when the model has a file called <paramref name="name"/> (a GGUF file has no companion files).</summary>
    public bool HasFile(string name) => Layout != ModelLayout.Gguf && File.Exists(PathOf(name));

    /// <summary>Finds the weights of the model at <paramref name="path"/>.</summary>
    /// <exception cref="CheckpointFormatException">Not a model directory, a shard index that is malformed or names missing files,
    /// or a Meta directory whose params.json is missing or invalid or whose shard numbers have a gap.</exception>
    public static ModelDirectory Open(string path)
    {
        string dir = Path.GetFullPath(path);
        if (File.Exists(dir) && dir.EndsWith(".gguf", StringComparison.OrdinalIgnoreCase))
            return new ModelDirectory(Path.GetDirectoryName(dir)!, ModelLayout.Gguf, [dir], null, null);
        if (!Directory.Exists(dir))
            throw new CheckpointFormatException(FormatErrorKind.ModelNotFound,
                File.Exists(dir) ? "expected a model directory, found a file." : "no such directory.", dir);
        foreach (var (indexName, layout) in new[] { (SafetensorsIndexFile, ModelLayout.HuggingFaceSafetensors), (BinIndexFile, ModelLayout.HuggingFaceBin) })
        {
            string indexPath = Path.Combine(dir, indexName);
            if (!File.Exists(indexPath)) continue;
            var index = ShardIndex.Load(indexPath);
            var files = index.Files.Select(f => Path.Combine(dir, f)).ToList();
            foreach (string f in files)
                if (!File.Exists(f))
                    throw new CheckpointFormatException(FormatErrorKind.ShardMissing,
                        $"the shard index names '{Path.GetFileName(f)}', which is not in the directory.", indexPath);
            if (files.Count == 0)
                throw new CheckpointFormatException(FormatErrorKind.InvalidShardIndex, "the weight map is empty.", indexPath);
            return new ModelDirectory(dir, layout, files, index, indexName);
        }
        if (File.Exists(Path.Combine(dir, SafetensorsFile)))
            return new ModelDirectory(dir, ModelLayout.HuggingFaceSafetensors, [Path.Combine(dir, SafetensorsFile)], null, null);
        if (File.Exists(Path.Combine(dir, BinFile)))
            return new ModelDirectory(dir, ModelLayout.HuggingFaceBin, [Path.Combine(dir, BinFile)], null, null);
        var metaShards = MetaCheckpoint.FindShards(dir);
        if (metaShards.Count > 0)
            return new ModelDirectory(dir, ModelLayout.Meta, metaShards, null, null, MetaParams.Load(Path.Combine(dir, MetaParams.FileName)));
        throw new CheckpointFormatException(FormatErrorKind.NoWeights,
            $"no weights found: expected {SafetensorsFile}, {SafetensorsIndexFile}, {BinFile}, {BinIndexFile}, or Meta's {MetaParams.FileName} with {MetaCheckpoint.ShardFileName(0)}.", dir);
    }

    /// <summary>
    /// The parsed config.json, or null when the directory has none. For a Meta directory, the config the conversion
    /// script would write (<see cref="Meta.MetaParams.ToHuggingFaceConfig"/>); with <c>vocab_size</c> -1 the vocabulary
    /// is read from the tensor table of <c>consolidated.00.pth</c>.
    /// </summary>
    /// <exception cref="CheckpointFormatException">config.json is not a JSON object (<see cref="FormatErrorKind.InvalidConfig"/>), or a Meta shard is malformed.</exception>
    public JsonObject? ReadConfig()
    {
        if (MetaParams is { } meta) return meta.ToHuggingFaceConfig(MetaVocabSize(meta));
        if (Layout == ModelLayout.Gguf)
        {
            using var reader = new FileByteReader(WeightFiles[0]);
            return Gguf.GgufLlamaModel.ReadConfig(reader);
        }
        string path = PathOf(ConfigFile);
        if (!File.Exists(path)) return null;
        try
        {
            return StrictJson.Parse(RegularFile.ReadAllBytes(path)) as JsonObject
                   ?? throw new CheckpointFormatException(FormatErrorKind.InvalidConfig, "expected a JSON object.", path);
        }
        catch (JsonException e)
        {
            throw new CheckpointFormatException(FormatErrorKind.InvalidConfig, $"not valid JSON: {e.Message}", path, inner: e);
        }
    }

    /// <summary>
    /// Reads the tensor tables of all weight files through readers from <paramref name="open"/>, in shard order and,
    /// within a file, in data order. Checks the shard index against what the files hold.
    /// </summary>
    /// <exception cref="CheckpointFormatException">A malformed weight file, a tensor in two files, or an index that disagrees with the files.</exception>
    public IReadOnlyList<TensorEntry> ReadTensors(Func<string, IByteReader> open)
    {
        if (MetaParams is { } meta) return MetaCheckpoint.ReadTensors(meta, WeightFiles, open);
        if (Layout == ModelLayout.Gguf) return Gguf.GgufLlamaModel.ReadTensors(open(WeightFiles[0]));
        var all = new List<TensorEntry>();
        var fileOf = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string file in WeightFiles)
        {
            IByteReader reader = open(file);
            foreach (var entry in WeightFileReader.ReadEntries(reader).OrderBy(e => e.Offset))
            {
                if (!fileOf.TryAdd(entry.Name, file))
                    throw new CheckpointFormatException(FormatErrorKind.DuplicateTensor,
                        $"the tensor is also stored in {Path.GetFileName(fileOf[entry.Name])}.", file, entry.Name);
                all.Add(entry);
            }
        }
        if (Index != null) CheckIndex(fileOf);
        return all;
    }

    private long MetaVocabSize(MetaParams meta)
    {
        if (meta.VocabSize != MetaParams.VocabFromEmbeddings) return meta.VocabSize;
        using var reader = new FileByteReader(WeightFiles[0]);
        var tok = Pickle.TorchZipCheckpoint.ReadTensors(reader).FirstOrDefault(t => t.Name == MetaTensorNames.TokEmbeddings)
                  ?? throw new CheckpointFormatException(FormatErrorKind.MetaTensorMissing, "every Meta checkpoint shard holds the token embeddings.",
                      WeightFiles[0], MetaTensorNames.TokEmbeddings);
        return tok.Shape.Length == 0 ? 0 : tok.Shape[0];
    }

    private void CheckIndex(Dictionary<string, string> fileOf)
    {
        string indexPath = PathOf(IndexFile!);
        foreach (var (name, file) in Index!.WeightMap)
        {
            if (!fileOf.TryGetValue(name, out string? actual))
                throw new CheckpointFormatException(FormatErrorKind.ShardIndexMismatch, $"the index places the tensor in {file}, which does not contain it.", indexPath, name);
            if (Path.GetFileName(actual) != file)
                throw new CheckpointFormatException(FormatErrorKind.ShardIndexMismatch, $"the index places the tensor in {file}, but it is in {Path.GetFileName(actual)}.", indexPath, name);
        }
        var listed = Index.WeightMap.Select(p => p.Key).ToHashSet(StringComparer.Ordinal);
        foreach (var (name, file) in fileOf)
            if (!listed.Contains(name))
                throw new CheckpointFormatException(FormatErrorKind.ShardIndexMismatch, $"{Path.GetFileName(file)} holds the tensor, but the index does not list it.", indexPath, name);
    }
}
