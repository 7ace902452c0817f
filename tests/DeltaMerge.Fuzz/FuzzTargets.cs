using System.Text;
using DeltaMerge.Eval.Data;
using DeltaMerge.Eval.Tasks;
using DeltaMerge.Formats.Gguf;
using DeltaMerge.Formats.HuggingFace;
using DeltaMerge.Formats.Integrity;
using DeltaMerge.Formats.Meta;
using DeltaMerge.Formats.Pickle;
using DeltaMerge.Formats.Safetensors;
using DeltaMerge.Formats.SentencePiece;
using DeltaMerge.Runtime;
using DeltaMerge.Tokenization;

namespace DeltaMerge.Fuzz;

/// <summary>
/// One target per parser that reads untrusted bytes, each entered the way the product enters it (the same public
/// or internal call, the same file names), so a finding is a finding in the product.
/// </summary>
internal static class FuzzTargets
{
    /// <summary>Every target, by name.</summary>
    public static IReadOnlyList<FuzzTarget> All { get; } =
    [
        new("safetensors", bytes => SafetensorsFile.Open(new MemoryByteReader(bytes, "model.safetensors"))),
        new("gguf", Gguf),
        new("torch-zip", bytes => TorchZipCheckpoint.Read(new MemoryByteReader(bytes, "pytorch_model.bin"))),
        new("pickle", bytes => RestrictedUnpickler.Load(bytes, "archive/data.pkl")),
        new("meta-params", MetaParamsJson),
        new("checksums", Checksums),
        new("sentencepiece", SentencePiece),
        new("tokenizer-files", TokenizerFiles),
        new("config-json", ConfigJson),
        new("shard-index", bytes => ShardIndex.Load(ScratchDirectory.WriteFile("shard-index", "model.safetensors.index.json", bytes))),
        new("eval-jsonl", bytes => EvalData(bytes, "data.jsonl")),
        new("eval-squad", bytes => EvalData(bytes, "data.json")),
        new("eval-tsv", bytes => EvalData(bytes, "data.tsv")),
        new("eval-parquet", bytes => EvalData(bytes, "data.parquet")),
    ];

    /// <summary>The target called <paramref name="name"/>.</summary>
    public static FuzzTarget Get(string name) => All.SingleOrDefault(t => t.Name == name)
        ?? throw new ArgumentException($"No fuzz target '{name}'; targets: {string.Join(", ", All.Select(t => t.Name))}.", nameof(name));

    /// <summary>Splits an input into the texts of several files at NUL bytes (absent parts are missing files).</summary>
    public static string?[] SplitFiles(byte[] bytes, int count)
    {
        var parts = new string?[count];
        int start = 0;
        for (int i = 0; i < count && start <= bytes.Length; i++)
        {
            int end = Array.IndexOf(bytes, (byte)0, start);
            if (end < 0) end = bytes.Length;
            parts[i] = Encoding.UTF8.GetString(bytes, start, end - start);
            start = end + 1;
        }
        return parts;
    }

    /// <summary>Runs each step, a domain error ending only that step, so later readers of the same file are reached too.</summary>
    private static void Each(params Action[] steps)
    {
        foreach (Action step in steps)
        {
            try { step(); }
            catch (Exception e) when (FuzzContract.IsDomainError(e)) { }
        }
    }

    /// <summary>GGUF as convert (tensor table, config) and as run (hyperparameters, tokenizer) read it.</summary>
    private static void Gguf(byte[] bytes)
    {
        var reader = new MemoryByteReader(bytes, "model.gguf");
        var gguf = GgufReader.Open(reader);
        Each(() => GgufLlamaModel.ReadTensors(reader), () => GgufLlamaModel.ReadConfig(reader),
            () => LlamaConfig.FromGguf(GgufLlamaModel.Open(reader)), () => LlamaTokenizer.FromGguf(gguf));
    }

    /// <summary>params.json, and the config.json the conversion would make of it.</summary>
    private static void MetaParamsJson(byte[] bytes)
    {
        var meta = MetaParams.Parse(bytes, "params.json");
        LlamaConfig.FromJson(meta.ToHuggingFaceConfig(32000), "params.json");
    }

    /// <summary>The same bytes as a sha256sum/md5sum list and as Meta's checklist.chk.</summary>
    private static void Checksums(byte[] bytes) => Each(
        () => ChecksumList.Load([ScratchDirectory.WriteFile("checksums", "SHA256SUMS", bytes)]),
        () => ChecksumList.Load([ScratchDirectory.WriteFile("checksums", "checklist.chk", bytes)]));

    /// <summary>tokenizer.model alone, then as the tokenizer of a model directory.</summary>
    private static void SentencePiece(byte[] bytes)
    {
        SentencePieceModel.Load(bytes, "tokenizer.model");
        string path = ScratchDirectory.WriteFile("sentencepiece", LlamaTokenizer.ModelFileName, bytes);
        LlamaTokenizer.FromDirectory(Path.GetDirectoryName(path)!);
    }

    /// <summary>The JSON files beside a valid tokenizer.model, NUL-separated in the input.</summary>
    private static void TokenizerFiles(byte[] bytes)
    {
        string dir = ScratchDirectory.Fresh("tokenizer-files");
        File.WriteAllBytes(Path.Combine(dir, LlamaTokenizer.ModelFileName), SeedModel.TokenizerModel);
        string[] names = [HfTokenizerFiles.ConfigFileName, HfTokenizerFiles.AddedTokensFileName, HfTokenizerFiles.TokenizerConfigFileName,
            HfTokenizerFiles.TokenizerJsonFileName, LlamaTokenizer.SpecialTokensMapFileName];
        string?[] texts = SplitFiles(bytes, names.Length);
        for (int i = 0; i < names.Length; i++)
            if (texts[i] is { } text) File.WriteAllText(Path.Combine(dir, names[i]), text);
        LlamaTokenizer.FromDirectory(dir);
    }

    /// <summary>config.json as merge (GGUF hyperparameters, vocabulary size) and run (LlamaConfig) read it.</summary>
    private static void ConfigJson(byte[] bytes)
    {
        string dir = ScratchDirectory.Fresh("config-json");
        File.WriteAllBytes(Path.Combine(dir, ModelDirectory.ConfigFile), bytes);
        File.WriteAllBytes(Path.Combine(dir, ModelDirectory.SafetensorsFile), []);
        var json = ModelDirectory.Open(dir).ReadConfig()!;
        string path = Path.Combine(dir, ModelDirectory.ConfigFile);
        Each(() => LlamaConfig.FromJson(json, path), () => LlamaGgufMetadata.Hyperparameters.FromConfig(json, path),
            () => HfTokenizerFiles.Parse(Encoding.UTF8.GetString(bytes), null, null));
    }

    /// <summary>An evaluation data file under <paramref name="fileName"/>, read for every task (each reads other columns).</summary>
    private static void EvalData(byte[] bytes, string fileName)
    {
        string path = ScratchDirectory.WriteFile("eval", fileName, bytes);
        Each(TaskCatalog.All.Select(task => (Action)(() => EvalDataLoader.Load(task, path))).ToArray());
    }
}
