using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using DeltaMerge.Tests.Shared;

namespace DeltaMerge.Cli.Tests;

/// <summary>
/// Every command, fed broken or hostile inputs, exits with the documented code and a specific message naming the
/// problem, never "Unexpected error" and never a stack trace. Several inputs are the ones the fuzzers found
/// (tests/fuzz-regressions); the GGUF ones claim sizes their files do not hold.
/// </summary>
[NonParallelizable]
public sealed class BadInputCliTests
{
    private static TempDirectory _temp = null!;
    private static string _model = null!;

    [OneTimeSetUp]
    public static void CopyTheTinyModel()
    {
        _temp = new TempDirectory();
        _model = _temp.CopyOf(RepoPaths.Tiny("base-safetensors"), "model");
    }

    [OneTimeTearDown] public static void Cleanup() => _temp?.Dispose();

    private static string Regression(string target, string name) => Path.Combine(RepoPaths.Root, "tests", "fuzz-regressions", target, name);

    /// <summary>A copy of the tiny model with <paramref name="edit"/> applied to it.</summary>
    private static string ModelWith(string name, Action<string> edit)
    {
        string dir = _temp.CopyOf(_model, name);
        edit(dir);
        return dir;
    }

    private static string Gguf(string name, byte[] bytes)
    {
        string path = _temp.Sub(name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    /// <summary>For a command without --json (chat): asserts the exit code, a message fragment on stderr and no stack trace.</summary>
    private static void AssertRefusedOnStderr(int exitCode, string message, params string[] args)
    {
        var r = CliProcess.Run(args);
        Assert.That(r.ExitCode, Is.EqualTo(exitCode), r.Stderr);
        Assert.That(r.Stderr, Does.Contain(message));
        CliAssert.NoStackTrace(r);
    }

    /// <summary>Runs with --json; asserts the exit code, the error kind, a message fragment and no stack trace.</summary>
    private static void AssertRefused(int exitCode, string kind, string message, params string[] args)
    {
        var r = CliProcess.Run([.. args, "--json"]);
        Assert.That(r.ExitCode, Is.EqualTo(exitCode), r.Stderr);
        using var doc = JsonDocument.Parse(r.Stdout);
        var error = doc.RootElement.GetProperty("error");
        Assert.That(error.GetProperty("kind").GetString(), Is.EqualTo(kind), r.Stderr);
        Assert.That(error.GetProperty("message").GetString(), Does.Contain(message));
        CliAssert.NoStackTrace(r);
    }

    private static void EditConfig(string dir, Action<JsonObject> edit)
    {
        string path = Path.Combine(dir, "config.json");
        var json = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        edit(json);
        File.WriteAllText(path, json.ToJsonString());
    }

    [Test]
    public void MergeRefusesAConfigThatIsNotUtf8()
    {
        // The merged model takes the base's config, so that is the one read.
        string baseDir = ModelWith("base-bad-config", dir => File.Copy(Regression("config-json", "invalid-utf8-1.json"), Path.Combine(dir, "config.json"), overwrite: true));
        AssertRefused(ExitCodes.InvalidInput, "invalid_input.InvalidConfig", "not valid JSON",
            "merge", "--base", baseDir, "--delta", RepoPaths.Tiny("delta-safetensors"), "--out", _temp.Sub("merge-out"));
        Assert.That(Directory.Exists(_temp.Sub("merge-out")), Is.False);
    }

    [Test]
    public void ConvertRefusesGgufHeadCountsThatDoNotSplitTheRows() =>
        AssertRefused(ExitCodes.InvalidInput, "invalid_input.GgufInvalidHeadCount", "do not fit",
            "convert", "--model", Gguf("heads.gguf", File.ReadAllBytes(Regression("gguf", "head-count-not-splitting-rows.gguf"))), "--out", _temp.Sub("convert-out"));

    [Test]
    public void InspectRefusesACorruptTorchZip() =>
        AssertRefused(ExitCodes.InvalidInput, "invalid_input.ZipCorrupt", "zip64",
            "inspect", ModelWith("bad-zip", dir =>
            {
                File.Delete(Path.Combine(dir, "model.safetensors"));
                File.Copy(Regression("torch-zip", "zip64-locator-near-start.bin"), Path.Combine(dir, "pytorch_model.bin"));
            }));

    [Test]
    public void VerifyReportsAMalformedChecksumList()
    {
        // verify reports what it found rather than stopping at the first problem: exit 4 with the problems listed.
        var r = CliProcess.Run("verify", ModelWith("bad-sums", dir => File.WriteAllText(Path.Combine(dir, "SHA256SUMS"), "not-a-digest  model.safetensors\n")), "--json");
        Assert.That(r.ExitCode, Is.EqualTo(ExitCodes.ChecksumMismatch), r.Stderr);
        var problem = JsonNode.Parse(r.Stdout)!["problems"]![0]!;
        Assert.That(problem["kind"]!.GetValue<string>(), Is.EqualTo("MissingChecksums"));
        Assert.That(problem["message"]!.GetValue<string>(), Does.Contain("line 1: expected a digest"));
        CliAssert.NoStackTrace(r);
    }

    [Test]
    public void RunRefusesATokenizerThatIsNotBpe() =>
        AssertRefused(ExitCodes.InvalidInput, "invalid_input.SentencePieceNotBpe", "only BPE",
            "run", "--model", ModelWith("unigram", dir => SentencePieceEdits.SetModelType(Path.Combine(dir, "tokenizer.model"), 1)), "--prompt", "hi");

    [Test]
    public void RunRefusesAMalformedBytePiece() =>
        AssertRefused(ExitCodes.InvalidInput, "invalid_input.SentencePieceInvalid", "<0xZZ>",
            "run", "--model", ModelWith("byte-piece", dir =>
            {
                string path = Path.Combine(dir, "tokenizer.model");
                File.WriteAllBytes(path, Encoding.Latin1.GetBytes(Encoding.Latin1.GetString(File.ReadAllBytes(path)).Replace("<0x41>", "<0xZZ>")));
            }), "--prompt", "hi");

    [Test]
    public void RunRefusesATorchDtypeThatIsNotAString() =>
        AssertRefused(ExitCodes.InvalidInput, "model.InvalidConfig", "torch_dtype",
            "run", "--model", ModelWith("dtype", dir => EditConfig(dir, c => c["torch_dtype"] = 16)), "--prompt", "hi");

    [TestCase(int.MaxValue, "model.InvalidConfig", "num_hidden_layers = 2147483647 exceeds the limit")]
    [TestCase(uint.MaxValue, "model.InvalidConfig", "out of range")]
    [TestCase(4u, "model.MissingTensor", "num_hidden_layers is 4 but the checkpoint has weights for 1 layers")]
    public void RunRefusesAGgufBlockCountTheFileDoesNotHold(long blockCount, string kind, string message) =>
        // Before the fix, 2^31-1 layers were allocated until memory ran out.
        AssertRefused(ExitCodes.InvalidInput, kind, message,
            "run", "--model", Gguf($"blocks-{blockCount}.gguf", TinyLlamaGguf.Build(blockCount: (uint)blockCount)), "--prompt", "a");

    [Test]
    public void RunRefusesAHiddenSizeTheFilesDoNotHold() =>
        // Within the sane bounds, but 4096 wide where the tensors are 64: refused before the model is allocated.
        AssertRefused(ExitCodes.InvalidInput, "model.ConfigExceedsWeights", "the checkpoint holds only",
            "run", "--model", ModelWith("hidden", dir => EditConfig(dir, c => c["hidden_size"] = 4096)), "--prompt", "a");

    [Test]
    public void ScoreRefusesATokenizerLargerThanTheModel() =>
        AssertRefused(ExitCodes.InvalidInput, "model.TokenizerLargerThanModel", "embedding rows",
            "score", "--model", Gguf("vocab.gguf", TinyLlamaGguf.Build(vocabSize: TinyLlamaGguf.Tokens - 1)), "--text", "a");

    [Test]
    public void ChatRefusesAModelWithABadConfig() =>
        AssertRefusedOnStderr(ExitCodes.InvalidInput, "num_hidden_layers = 1048576 exceeds the limit",
            "chat", "--model", ModelWith("chat-config", dir => EditConfig(dir, c => c["num_hidden_layers"] = 1 << 20)));

    [Test]
    public void EvalRefusesDataWithADuplicateColumn() =>
        AssertRefused(ExitCodes.InvalidInput, "eval_data.MalformedJson", "appears twice",
            "eval", "--model", _model, "--task", "copa", "--data", Regression("eval-jsonl", "duplicate-property.jsonl"), "--out", _temp.Sub("eval-dup"));

    [Test]
    public void EvalResumeRefusesAMalformedRunFile()
    {
        string model = ModelWith("eval-model", dir => EditConfig(dir, c => c["max_position_embeddings"] = 2048));
        string data = Path.Combine(RepoPaths.Fixtures, "eval", "copa.jsonl");
        string outDir = _temp.Sub("eval-resume");
        var first = CliProcess.Run("eval", "--model", model, "--task", "copa", "--data", data, "--out", outDir, "--limit", "1", "--mode", "rank");
        Assert.That(first.ExitCode, Is.Zero, first.Stderr);
        foreach (string broken in new[] { "{\"task\": ", "{\"task\": 7, \"mode\": \"rank\"}" })
        {
            File.WriteAllText(Path.Combine(outDir, "run.json"), broken);
            AssertRefused(ExitCodes.InvalidInput, "eval_data.ResumeMismatch", "run.json",
                "eval", "--model", model, "--task", "copa", "--data", data, "--out", outDir, "--resume", "--mode", "rank");
        }
    }

    [Test]
    public void EvalSuiteRefusesBrokenData()
    {
        string data = _temp.Sub("suite-bad");
        Directory.CreateDirectory(data);
        File.Copy(Regression("eval-squad", "duplicate-property.json"), Path.Combine(data, "xquad.en.json"));
        AssertRefused(ExitCodes.InvalidInput, "eval_data.MalformedJson", "appears twice",
            "eval-suite", "--model", _model, "--data-dir", data, "--out", _temp.Sub("suite-out"));
    }
}
