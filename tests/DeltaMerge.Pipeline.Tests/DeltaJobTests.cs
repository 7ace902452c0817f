using DeltaMerge.Compute;
using DeltaMerge.Formats;
using DeltaMerge.Formats.Integrity;
using DeltaMerge.Formats.IO;
using DeltaMerge.Pipeline.Execution;
using DeltaMerge.Pipeline.Jobs;
using DeltaMerge.Pipeline.Plan;
using DeltaMerge.Tests.Shared;

namespace DeltaMerge.Pipeline.Tests;

/// <summary>End-to-end merges of the tiny fixtures, compared bit for bit with PyTorch's apply_delta (scripts/fixtures/tiny_models.py).</summary>
public sealed class DeltaJobTests
{
    private TempDirectory _temp = null!;

    [SetUp] public void SetUp() => _temp = new TempDirectory();
    [TearDown] public void TearDown() => _temp.Dispose();

    private DeltaJobResult Merge(string baseName, string deltaName = "delta", DType dtype = DType.F16, long maxShard = MergePlanner.DefaultMaxShardBytes,
        long chunk = PlanExecutor.DefaultChunkElements, string outName = "out", IReadOnlyList<string>? baseSums = null, IReadOnlyList<string>? deltaSums = null,
        bool force = false, string? basePath = null, string? deltaPath = null) =>
        TinyMerge.Run(_temp, baseName, deltaName, dtype, maxShard, chunk, outName, baseSums, deltaSums, force, basePath, deltaPath);

    [TestCase("base-safetensors", "delta")]
    [TestCase("base-bin", "delta")]
    [TestCase("base-f32", "delta")]
    [TestCase("base-safetensors", "delta-safetensors")]
    [TestCase("base-bin", "delta-safetensors")]
    public void Fp16MergeIsBitIdenticalToPyTorch(string baseName, string deltaName)
    {
        var result = Merge(baseName, deltaName);
        MergeAssert.TensorsBitIdentical(result.OutputPath!, RepoPaths.Tiny("expected/merge-f16"));
    }

    [Test]
    public void Bf16BaseIsFirstRoundedToFp16LikeTheAuthors()
    {
        var result = Merge("base-bf16");
        MergeAssert.TensorsBitIdentical(result.OutputPath!, RepoPaths.Tiny("expected/merge-f16-from-bf16"));
    }

    [TestCase(DType.BF16, "merge-bf16")]
    [TestCase(DType.F32, "merge-f32")]
    public void OtherOutputTypesMatchPyTorch(DType dtype, string expected)
    {
        var result = Merge("base-bin", dtype: dtype);
        MergeAssert.TensorsBitIdentical(result.OutputPath!, RepoPaths.Tiny("expected/" + expected));
        Assert.That(File.ReadAllText(Path.Combine(result.OutputPath!, "config.json")), Does.Contain(DTypeInfo.ConfigName(dtype)));
    }

    [Test]
    public void SmallChunksAndManyShardsGiveTheSameTensors()
    {
        // 100 elements per chunk splits every matrix into many chunks, one of which straddles the appended [PAD] row.
        var result = Merge("base-bin", maxShard: 60_000, chunk: 100);
        Assert.That(result.Plan.Shards.Count, Is.GreaterThan(3));
        MergeAssert.TensorsBitIdentical(result.OutputPath!, RepoPaths.Tiny("expected/merge-f16"));
        string index = File.ReadAllText(Path.Combine(result.OutputPath!, "model.safetensors.index.json"));
        Assert.That(index, Does.Contain($"\"total_size\": {result.Plan.TotalBytes}"));
        Assert.That(index, Does.Contain($"-of-{result.Plan.Shards.Count:D5}.safetensors"));
    }

    [Test]
    public void VocabularyGrowsByTheZeroPadRowAndConfigFollows()
    {
        var result = Merge("base-safetensors");
        Assert.That(result.Report!.Vocabulary, Is.EqualTo(new VocabularyReport(384, 385, 1)));
        string config = File.ReadAllText(Path.Combine(result.OutputPath!, "config.json"));
        Assert.That(config, Does.Contain("\"vocab_size\": 385"));
        Assert.That(config, Does.Contain("\"torch_dtype\": \"float16\""));
    }

    [Test]
    public void OutputHasEverythingAndSha256SumsCoversIt()
    {
        var result = Merge("base-bin");
        string dir = result.OutputPath!;
        var files = Directory.GetFiles(dir).Select(Path.GetFileName).Order().ToList();
        Assert.That(files, Is.EquivalentTo(new[]
        {
            "SHA256SUMS", "added_tokens.json", "config.json", "generation_config.json", "merge-report.json",
            "model-00001-of-00001.safetensors", "model.safetensors.index.json", "special_tokens_map.json", "tokenizer.model", "tokenizer_config.json",
        }));
        foreach (string name in new[] { "tokenizer.model", "tokenizer_config.json", "special_tokens_map.json", "added_tokens.json" })
            Assert.That(File.ReadAllBytes(Path.Combine(dir, name)), Is.EqualTo(File.ReadAllBytes(RepoPaths.Tiny("delta/" + name))), name);
        var sums = File.ReadAllLines(Path.Combine(dir, "SHA256SUMS"));
        Assert.That(sums.Select(l => l[66..]), Is.EquivalentTo(files.Where(f => f != "SHA256SUMS")));
        foreach (string line in sums)
            Assert.That(Sha256Sums.HashFile(Path.Combine(dir, line[66..])), Is.EqualTo(line[..64]), line);
        Assert.That(Directory.GetDirectories(_temp.Path), Has.Length.EqualTo(1), "no partial directory left beside the output");
    }

    [Test]
    public void RotaryBuffersAreSkippedAndReported()
    {
        var result = Merge("base-bin");
        Assert.That(result.Report!.Skipped.Select(s => s.Name), Is.EquivalentTo(new[]
        {
            "model.layers.0.self_attn.rotary_emb.inv_freq", "model.layers.1.self_attn.rotary_emb.inv_freq",
        }));
    }

    [Test]
    public void SameInputsGiveByteIdenticalModelFiles()
    {
        var a = Merge("base-bin", outName: "a").OutputPath!;
        var b = Merge("base-bin", outName: "b").OutputPath!;
        foreach (string f in Directory.GetFiles(a).Select(Path.GetFileName).Where(n => n is not ("merge-report.json" or "SHA256SUMS"))!)
            Assert.That(File.ReadAllBytes(Path.Combine(b, f!)), Is.EqualTo(File.ReadAllBytes(Path.Combine(a, f!))), f);
        // SHA256SUMS differs only in the report's line (the report holds timings).
        static string[] Sums(string d) => File.ReadAllLines(Path.Combine(d, "SHA256SUMS")).Where(l => !l.EndsWith(" merge-report.json")).ToArray();
        Assert.That(Sums(b), Is.EqualTo(Sums(a)));
    }

    [Test]
    public void ChecksumsAreVerifiedOnBothSidesAndReported()
    {
        var result = Merge("base-bin", baseSums: [RepoPaths.Tiny("base-bin/SHA256SUMS")], deltaSums: [RepoPaths.Tiny("delta/SHA256SUMS")]);
        var baseFiles = result.Report!.Inputs["base"].Files;
        Assert.That(baseFiles.Select(f => f.Name), Does.Contain("pytorch_model-00001-of-00002.bin"));
        Assert.That(baseFiles.Where(f => f.Name.EndsWith(".bin")).All(f => f.Verified.SequenceEqual(["sha256"])), Is.True);
        Assert.That(result.Report.Inputs["delta"].Files.Single(f => f.Name == "pytorch_model.bin").Verified, Is.EqualTo(new[] { "sha256" }));
        // Tiny tensors read out of file order (and the zip tails read at open) come from disk a second time; never more.
        Assert.That(baseFiles.All(f => f.RereadBytes < f.Bytes), Is.True);
    }

    [Test]
    public void BaseChecksumMismatchAbortsAndLeavesNothing()
    {
        var e = Assert.Throws<ChecksumMismatchException>(() => Merge("base-bin", baseSums: [RepoPaths.Tiny("checksums/base-bin.bad.sha256")]))!;
        Assert.That(e.FilePath, Does.EndWith("pytorch_model-00001-of-00002.bin"));
        Assert.That(Directory.GetFileSystemEntries(_temp.Path), Is.Empty);
    }

    [Test]
    public void DeltaChecksumMismatchAbortsAndLeavesNothing()
    {
        string sums = _temp.Sub("delta.sha256");
        File.WriteAllLines(sums, File.ReadAllLines(RepoPaths.Tiny("delta/SHA256SUMS"))
            .Select(l => l.EndsWith("pytorch_model.bin") ? new string('0', 64) + l[64..] : l));
        var e = Assert.Throws<ChecksumMismatchException>(() => Merge("base-bin", deltaSums: [sums]))!;
        Assert.That(e.ExpectedHex, Is.EqualTo(new string('0', 64)));
        Assert.That(Directory.GetFileSystemEntries(_temp.Path), Is.EqualTo(new[] { sums }));
    }

    [Test]
    public void UnlistedFileIsRefused()
    {
        string sums = _temp.Sub("partial.sha256");
        File.WriteAllLines(sums, File.ReadAllLines(RepoPaths.Tiny("base-bin/SHA256SUMS")).Where(l => !l.EndsWith("00002.bin")));
        Assert.Throws<UnlistedFileException>(() => Merge("base-bin", baseSums: [sums]));
    }

    [Test]
    public void ExistingOutputIsRefusedUnlessForced()
    {
        Directory.CreateDirectory(_temp.Sub("out"));
        File.WriteAllText(Path.Combine(_temp.Sub("out"), "keep.txt"), "x");
        Assert.Throws<OutputExistsException>(() => Merge("base-bin"));
        Assert.That(File.Exists(Path.Combine(_temp.Sub("out"), "keep.txt")));
        var result = Merge("base-bin", force: true);
        Assert.That(File.Exists(Path.Combine(result.OutputPath!, "keep.txt")), Is.False);
        MergeAssert.TensorsBitIdentical(result.OutputPath!, RepoPaths.Tiny("expected/merge-f16"));
    }

    [Test]
    public void MakeDeltaEqualsFastChatsMakeDelta()
    {
        var result = DeltaJob.Run(new DeltaJobOptions
        {
            Operation = TensorOperation.Subtract,
            Primary = new InputSpec("target", RepoPaths.Tiny("target"), []),
            Secondary = new InputSpec("base", RepoPaths.Tiny("base-safetensors"), []),
            OutputPath = _temp.Sub("made-delta"),
            Device = DeviceChoice.Cpu,
        });
        MergeAssert.TensorsBitIdentical(result.OutputPath!, RepoPaths.Tiny("expected/make-delta"));
        Assert.That(File.ReadAllBytes(Path.Combine(result.OutputPath!, "added_tokens.json")), Is.EqualTo(File.ReadAllBytes(RepoPaths.Tiny("target/added_tokens.json"))));
    }
}
