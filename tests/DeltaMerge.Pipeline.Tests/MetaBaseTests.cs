using System.Text.Json;
using DeltaMerge.Compute;
using DeltaMerge.Formats;
using DeltaMerge.Formats.Integrity;
using DeltaMerge.Pipeline.Execution;
using DeltaMerge.Pipeline.Jobs;
using DeltaMerge.Pipeline.Plan;
using DeltaMerge.Tests.Shared;

namespace DeltaMerge.Pipeline.Tests;

/// <summary>Merges whose base is Meta's original layout (params.json + consolidated.NN.pth), compared bit for bit with PyTorch's apply_delta on the HF base.</summary>
public sealed class MetaBaseTests
{
    private TempDirectory _temp = null!;

    [SetUp] public void SetUp() => _temp = new TempDirectory();
    [TearDown] public void TearDown() => _temp.Dispose();

    private DeltaJobResult Merge(string baseName, string outName = "out", IReadOnlyList<string>? baseSums = null, long chunk = PlanExecutor.DefaultChunkElements,
        long maxShard = MergePlanner.DefaultMaxShardBytes) =>
        TinyMerge.Run(_temp, baseName, maxShard: maxShard, chunk: chunk, outName: outName, baseSums: baseSums);

    [TestCase("base-meta")]
    [TestCase("base-meta-mp2")]
    public void Fp16MergeFromMetaIsBitIdenticalToPyTorch(string baseName)
    {
        var result = Merge(baseName);
        MergeAssert.TensorsBitIdentical(result.OutputPath!, RepoPaths.Tiny("expected/merge-f16"));
        Assert.That(result.Report!.Inputs["base"].Layout, Is.EqualTo("Meta"));
        Assert.That(result.Report.Skipped.Select(s => s.Name), Is.EqualTo(new[] { "rope.freqs" }));
    }

    [TestCase("base-meta")]
    [TestCase("base-meta-mp2")]
    public void SmallChunksStraddlingHeadsAndShardsGiveTheSameTensors(string baseName)
    {
        // 100 elements = 1.5 rows of 64: chunks start mid-head in wq/wk and cross the mp2 row split.
        var result = Merge(baseName, chunk: 100, maxShard: 60_000);
        MergeAssert.TensorsBitIdentical(result.OutputPath!, RepoPaths.Tiny("expected/merge-f16"));
    }

    [TestCase("base-meta", new[] { "consolidated.00.pth", "params.json" })]
    [TestCase("base-meta-mp2", new[] { "consolidated.00.pth", "consolidated.01.pth", "params.json" })]
    public void ChecklistChkIsVerifiedByMd5(string baseName, string[] verified)
    {
        var result = Merge(baseName, baseSums: [RepoPaths.Tiny(baseName + "/checklist.chk")]);
        var files = result.Report!.Inputs["base"].Files;
        Assert.That(files.Select(f => f.Name), Is.EqualTo(verified));
        Assert.That(files.Select(f => f.Verified), Has.All.EqualTo(new[] { "md5" }));
        Assert.That(files.Select(f => f.Md5), Has.None.Null);
        string report = File.ReadAllText(Path.Combine(result.OutputPath!, MergeReport.FileName));
        using var json = JsonDocument.Parse(report);
        foreach (var file in json.RootElement.GetProperty("inputs").GetProperty("base").GetProperty("files").EnumerateArray())
            Assert.That(file.GetProperty("verified").EnumerateArray().Select(v => v.GetString()), Is.EqualTo(new[] { "md5" }), file.GetProperty("name").GetString());
    }

    [Test]
    public void Md5MismatchOfAShardAborts()
    {
        string sums = _temp.Sub("bad.chk");
        File.WriteAllLines(sums, File.ReadAllLines(RepoPaths.Tiny("base-meta-mp2/checklist.chk"))
            .Select(l => l.EndsWith("consolidated.01.pth") ? new string('0', 32) + l[32..] : l));
        var basePath = RepoPaths.Tiny("base-meta-mp2");
        Assert.Throws<ChecksumMismatchException>(() => DeltaJob.Run(new DeltaJobOptions
        {
            Operation = TensorOperation.Add,
            Primary = new InputSpec("base", basePath, [sums]),
            Secondary = new InputSpec("delta", RepoPaths.Tiny("delta"), []),
            OutputPath = _temp.Sub("out"),
            OutputDType = DType.F16,
            Device = DeviceChoice.Cpu,
        }));
        Assert.That(Directory.Exists(_temp.Sub("out")), Is.False);
    }

    [TestCase("base-meta")]
    [TestCase("base-meta-mp2")]
    public void ModelFilesAreByteIdenticalToTheMergeFromSafetensors(string baseName)
    {
        string hf = Merge("base-safetensors", outName: "hf").OutputPath!;
        string meta = Merge(baseName, outName: "meta").OutputPath!;
        // Shards and index match byte for byte; so do the tokenizer files and generation_config.json (both from the delta here).
        foreach (string name in new[] { "model-00001-of-00001.safetensors", "model.safetensors.index.json", "tokenizer.model", "tokenizer_config.json",
                     "special_tokens_map.json", "added_tokens.json", "generation_config.json" })
            Assert.That(File.ReadAllBytes(Path.Combine(meta, name)), Is.EqualTo(File.ReadAllBytes(Path.Combine(hf, name))), name);
        // config.json is synthesized as convert_llama_weights_to_hf.py would write it: the architecture agrees with the HF
        // base's config, but it has no _name_or_path / pad_token_id / transformers_version and max_position_embeddings 2048.
        using var hfConfig = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(hf, "config.json")));
        using var metaConfig = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(meta, "config.json")));
        foreach (string key in new[] { "hidden_size", "intermediate_size", "num_attention_heads", "num_hidden_layers", "num_key_value_heads", "vocab_size", "bos_token_id", "eos_token_id" })
            Assert.That(metaConfig.RootElement.GetProperty(key).GetInt64(), Is.EqualTo(hfConfig.RootElement.GetProperty(key).GetInt64()), key);
        foreach (string key in new[] { "rms_norm_eps", "rope_theta" })
            Assert.That(metaConfig.RootElement.GetProperty(key).GetDouble(), Is.EqualTo(hfConfig.RootElement.GetProperty(key).GetDouble()), key);
        foreach (string key in new[] { "model_type", "torch_dtype", "hidden_act" })
            Assert.That(metaConfig.RootElement.GetProperty(key).GetString(), Is.EqualTo(hfConfig.RootElement.GetProperty(key).GetString()), key);
        Assert.That(metaConfig.RootElement.GetProperty("tie_word_embeddings").GetBoolean(), Is.False);
        Assert.That(metaConfig.RootElement.GetProperty("max_position_embeddings").GetInt64(), Is.EqualTo(2048));
        // A Meta directory has no generation_config.json; the delta's is taken, which here equals the HF base's.
        Assert.That(File.ReadAllBytes(Path.Combine(meta, "generation_config.json")), Is.EqualTo(File.ReadAllBytes(RepoPaths.Tiny("delta/generation_config.json"))));
        Assert.That(File.ReadAllBytes(Path.Combine(meta, "config.json")), Is.Not.EqualTo(File.ReadAllBytes(Path.Combine(hf, "config.json"))));
    }

    [TestCase("base-meta")]
    [TestCase("base-meta-mp2")]
    public void MakeDeltaAgainstAMetaBaseEqualsFastChatsMakeDelta(string baseName)
    {
        var result = DeltaJob.Run(new DeltaJobOptions
        {
            Operation = TensorOperation.Subtract,
            Primary = new InputSpec("target", RepoPaths.Tiny("target"), []),
            Secondary = new InputSpec("base", RepoPaths.Tiny(baseName), [RepoPaths.Tiny(baseName + "/checklist.chk")]),
            OutputPath = _temp.Sub("made-delta"),
            Device = DeviceChoice.Cpu,
        });
        MergeAssert.TensorsBitIdentical(result.OutputPath!, RepoPaths.Tiny("expected/make-delta"));
        Assert.That(result.Report!.Inputs["base"].Files.Where(f => f.Name.EndsWith(".pth")).Select(f => f.Verified), Has.All.EqualTo(new[] { "md5" }));
    }
}
