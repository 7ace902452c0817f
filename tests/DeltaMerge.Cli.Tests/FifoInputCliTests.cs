using System.Text.Json;
using DeltaMerge.Tests.Shared;

namespace DeltaMerge.Cli.Tests;

/// <summary>
/// Every small input read whole (config.json, params.json, tokenizer files, checksum lists, evaluation data) given as a
/// FIFO: the real program refuses it as not a regular file (exit 5, kind not_a_regular_file) instead of blocking in
/// the open until a writer appears. Nothing ever writes to these FIFOs, so a read that reached one would hang, which
/// the process hang guard turns into a failure.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // FIFOs
public sealed class FifoInputCliTests
{
    private TempDirectory _temp = null!;

    [SetUp] public void SetUp() => _temp = new TempDirectory();
    [TearDown] public void TearDown() => _temp.Dispose();

    /// <summary>Copies the fixture directory <paramref name="fixture"/> and puts a FIFO in place of its file <paramref name="fifo"/>.</summary>
    private string CopyWithFifo(string fixture, string fifo)
    {
        string dir = _temp.CopyOf(fixture, Path.GetFileName(fixture));
        MakeFifo(Path.Combine(dir, fifo));
        return dir;
    }

    private static void MakeFifo(string path)
    {
        File.Delete(path);
        var (code, output) = TmpfsMount.Run("mkfifo", path);
        if (code != 0) Assert.Ignore($"mkfifo is not available: {output}");
    }

    private static void AssertRefused(CliProcess.Result r, string fifoName)
    {
        Assert.That(r.ExitCode, Is.EqualTo(ExitCodes.IOFailure), r.Stderr);
        Assert.That(r.Stderr, Does.Contain("not a regular file").And.Contain(fifoName));
        using var doc = JsonDocument.Parse(r.Stdout);
        Assert.That(doc.RootElement.GetProperty("error").GetProperty("kind").GetString(), Is.EqualTo("not_a_regular_file"));
        CliAssert.NoStackTrace(r);
    }

    [Test]
    public void MergeRefusesAFifoAsTheBaseConfig()
    {
        string baseDir = CopyWithFifo(RepoPaths.Tiny("base-safetensors"), "config.json");
        File.Delete(Path.Combine(baseDir, "SHA256SUMS")); // the FIFO is met where the file is parsed, not where it is hashed
        var r = CliProcess.Run("merge", "--base", baseDir, "--delta", RepoPaths.Tiny("delta-safetensors"), "--out", _temp.Sub("out"), "--json");
        AssertRefused(r, "config.json");
        Assert.That(Directory.Exists(_temp.Sub("out")), Is.False);
    }

    // The merge takes the tokenizer and its files from the delta.
    [TestCase("tokenizer.model")]
    [TestCase("tokenizer_config.json")]
    [TestCase("special_tokens_map.json")]
    [TestCase("added_tokens.json")]
    public void MergeRefusesAFifoAmongTheDeltaTokenizerFiles(string file)
    {
        string deltaDir = CopyWithFifo(RepoPaths.Tiny("delta-safetensors"), file);
        File.Delete(Path.Combine(deltaDir, "SHA256SUMS"));
        var r = CliProcess.Run("merge", "--base", RepoPaths.Tiny("base-safetensors"), "--delta", deltaDir, "--out", _temp.Sub("out"), "--json");
        AssertRefused(r, file);
        Assert.That(Directory.Exists(_temp.Sub("out")), Is.False);
    }

    [Test]
    public void MergeRefusesAFifoListedInSha256Sums()
    {
        string baseDir = CopyWithFifo(RepoPaths.Tiny("base-safetensors"), "config.json");
        var r = CliProcess.Run("merge", "--base", baseDir, "--delta", RepoPaths.Tiny("delta-safetensors"), "--out", _temp.Sub("out"), "--json");
        AssertRefused(r, "config.json");
    }

    [Test]
    public void MergeRefusesAFifoAsAChecksumList()
    {
        string sums = _temp.Sub("base.sha256");
        MakeFifo(sums);
        var r = CliProcess.Run("merge", "--base", RepoPaths.Tiny("base-safetensors"), "--base-checksums", sums,
            "--delta", RepoPaths.Tiny("delta-safetensors"), "--out", _temp.Sub("out"), "--json");
        AssertRefused(r, "base.sha256");
    }

    [TestCase("params.json")]
    [TestCase("checklist.chk")]
    public void MergeRefusesAFifoInAMetaCheckpoint(string file)
    {
        string baseDir = CopyWithFifo(RepoPaths.Tiny("base-meta"), file);
        File.Delete(Path.Combine(baseDir, "SHA256SUMS"));
        string[] checksums = file == "checklist.chk" ? ["--base-checksums", Path.Combine(baseDir, file)] : [];
        var r = CliProcess.Run(["merge", "--base", baseDir, .. checksums, "--delta", RepoPaths.Tiny("delta"), "--out", _temp.Sub("out"), "--json"]);
        AssertRefused(r, file);
    }

    [TestCase("config.json")]
    [TestCase("tokenizer_config.json")]
    public void RunRefusesAFifoInTheModel(string file)
    {
        string model = CopyWithFifo(RepoPaths.Tiny("base-safetensors"), file);
        var r = CliProcess.Run("run", "--model", model, "--prompt", "Hello", "--json");
        AssertRefused(r, file);
    }

    [TestCase("copa", "copa.jsonl")]
    [TestCase("copa", "copa.parquet")]
    [TestCase("squad", "dev-v1.1.json")]
    [TestCase("sst2", "dev.tsv")]
    public void EvalRefusesAFifoAsItsData(string task, string name)
    {
        string data = _temp.Sub(name);
        MakeFifo(data);
        // The data is read before the model is opened, so no model is needed to reach it.
        var r = CliProcess.Run("eval", "--model", _temp.Sub("no-model"), "--task", task, "--data", data, "--out", _temp.Sub("out"), "--json");
        AssertRefused(r, name);
    }
}
