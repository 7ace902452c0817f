using System.Text.Json;
using System.Text.Json.Nodes;
using DeltaMerge.Tests.Shared;

namespace DeltaMerge.Cli.Tests;

/// <summary>
/// Sharded eval and eval-suite, each shard a separate process, combined by eval-merge: the merged directory must hold
/// byte for byte what the unsharded run writes; every refusal has its error kind, message and exit code.
/// </summary>
[NonParallelizable]
public sealed class ShardedEvalCliTests
{
    private static TempDirectory _temp = null!;
    private static string _model = null!;
    private static string _suiteData = null!;

    [OneTimeSetUp]
    public static void MergeTheTinyModel()
    {
        _temp = new TempDirectory();
        _model = TinyEvalModel.Merge(_temp);
        // Two classification and two QA tasks; three examples at most each, so that three shards leave one empty for XQuAD (2 examples).
        _suiteData = _temp.Sub("suite-data");
        Directory.CreateDirectory(Path.Combine(_suiteData, "SST-2"));
        Directory.CreateDirectory(Path.Combine(_suiteData, "squad"));
        File.Copy(TinyEvalModel.Data("sst2_dev.tsv"), Path.Combine(_suiteData, "SST-2", "dev.tsv"));
        File.Copy(TinyEvalModel.Data("copa.jsonl"), Path.Combine(_suiteData, "copa.jsonl"));
        File.Copy(TinyEvalModel.Data("xquad.en.json"), Path.Combine(_suiteData, "xquad.en.json"));
        File.Copy(TinyEvalModel.Data("squad-dev.json"), Path.Combine(_suiteData, "squad", "dev-v1.1.json"));
    }

    [OneTimeTearDown] public static void Cleanup() => _temp?.Dispose();

    private static string[] Copa(string outDir, params string[] more) =>
        ["eval", "--model", _model, "--task", "copa", "--data", TinyEvalModel.Data("copa.jsonl"), "--out", outDir, "--quiet", .. more];

    private static string[] Suite(string outDir, params string[] more) =>
        ["eval-suite", "--model", _model, "--data-dir", _suiteData, "--out", outDir, "--limit", "3", "--quiet", .. more];

    private static void Ok(CliProcess.Result r) => Assert.That(r.ExitCode, Is.Zero, r.Stderr);

    /// <summary>Runs once per output directory (tests share the unsharded runs and the two-shard runs).</summary>
    private static string Once(string name, Func<string, string[]> args, string? shard = null)
    {
        string outDir = _temp.Sub(name);
        string done = shard == null ? outDir : Path.Combine(outDir, $"shard-{shard.Replace("/", "-of-")}");
        if (!Directory.Exists(done)) Ok(CliProcess.Run(shard == null ? args(outDir) : [.. args(outDir), "--shard", shard]));
        return outDir;
    }

    private static string WholeCopa() => Once("copa-whole", o => Copa(o));

    private static string CopaShards(int n)
    {
        string dir = "";
        for (int k = 0; k < n; k++) dir = Once($"copa-{n}", o => Copa(o), $"{k}/{n}");
        return dir;
    }

    private static string WholeSuite() => Once("suite-whole", o => Suite(o));

    private static string SuiteShards(int n)
    {
        string dir = "";
        for (int k = 0; k < n; k++) dir = Once($"suite-{n}", o => Suite(o), $"{k}/{n}");
        return dir;
    }

    private static CliProcess.Result Merge(string outDir, params string[] shards) => CliProcess.Run(["eval-merge", "--out", outDir, "--json", .. shards]);

    [TestCase(1)]
    [TestCase(2)]
    [TestCase(3)]
    public void EvalShardsMergeIntoTheUnshardedRun(int n)
    {
        string shards = CopaShards(n);
        Assert.That(Directory.GetDirectories(shards).Select(Path.GetFileName), Is.EquivalentTo(Enumerable.Range(0, n).Select(k => $"shard-{k}-of-{n}")));
        int lines = Enumerable.Range(0, n).Sum(k => File.ReadAllLines(Path.Combine(shards, $"shard-{k}-of-{n}", "predictions.jsonl")).Length);
        Assert.That(lines, Is.EqualTo(4), "the shards cover the four examples once");

        string merged = _temp.Sub($"copa-{n}-merged");
        var r = Merge(merged, shards);
        Ok(r);
        DirectoryFiles.AssertSame(WholeCopa(), merged);
        var json = JsonNode.Parse(r.Stdout)!.AsObject();
        Assert.That(json["tasks"]!.AsArray().Single()!.ToJsonString(), Is.EqualTo(JsonNode.Parse(File.ReadAllText(Path.Combine(merged, "metrics.json")))!.ToJsonString()));
    }

    [TestCase(1)]
    [TestCase(2)]
    [TestCase(3)]
    public void SuiteShardsMergeIntoTheUnshardedRun(int n)
    {
        string shards = SuiteShards(n);
        string merged = _temp.Sub($"suite-{n}-merged");
        // The shard directories named one by one (the other tests pass the directory holding them).
        Ok(Merge(merged, Enumerable.Range(0, n).Select(k => Path.Combine(shards, $"shard-{k}-of-{n}")).Reverse().ToArray()));
        DirectoryFiles.AssertSame(WholeSuite(), merged);
        string report = File.ReadAllText(Path.Combine(merged, "report.md"));
        Assert.That(report, Does.Contain("COPA: first 3 of 4 examples only (--limit).").And.Contain("WiC: no data file found"));
        Assert.That(File.ReadAllText(Path.Combine(shards, "shard-0-of-" + n, "report.md")), Does.Contain($"Shard 0/{n}: these figures cover this shard's examples only"));
    }

    [Test]
    public void KubernetesIndexedJobVariablesSelectTheShard()
    {
        string expected = Path.Combine(CopaShards(2), "shard-1-of-2", "predictions.jsonl");
        string viaCount = _temp.Sub("k8s-env");
        Ok(CliProcess.RunWith(new Dictionary<string, string?> { ["JOB_COMPLETION_INDEX"] = "1", ["DELTAMERGE_SHARD_COUNT"] = "2" }, Copa(viaCount)));
        Assert.That(File.ReadAllText(Path.Combine(viaCount, "shard-1-of-2", "predictions.jsonl")), Is.EqualTo(File.ReadAllText(expected)));
        string viaOption = _temp.Sub("k8s-option");
        Ok(CliProcess.RunWith(new Dictionary<string, string?> { ["JOB_COMPLETION_INDEX"] = "1" }, Copa(viaOption, "--shard-count", "2")));
        Assert.That(File.ReadAllText(Path.Combine(viaOption, "shard-1-of-2", "predictions.jsonl")), Is.EqualTo(File.ReadAllText(expected)));
        string ignored = _temp.Sub("k8s-none");
        Ok(CliProcess.RunWith(new Dictionary<string, string?> { ["JOB_COMPLETION_INDEX"] = "1" }, Copa(ignored, "--shard", "none")));
        Assert.That(File.ReadAllText(Path.Combine(ignored, "predictions.jsonl")), Is.EqualTo(File.ReadAllText(Path.Combine(WholeCopa(), "predictions.jsonl"))));
    }

    [Test]
    public void SlurmArrayVariablesSelectTheShard()
    {
        // sbatch --array=3-4: ids 3 and 4, the second is shard 1 of 2.
        string outDir = _temp.Sub("slurm-env");
        Ok(CliProcess.RunWith(new Dictionary<string, string?>
        {
            ["SLURM_ARRAY_TASK_ID"] = "4", ["SLURM_ARRAY_TASK_MIN"] = "3", ["SLURM_ARRAY_TASK_MAX"] = "4", ["SLURM_ARRAY_TASK_COUNT"] = "2",
        }, Suite(outDir)));
        DirectoryFiles.AssertSame(Path.Combine(SuiteShards(2), "shard-1-of-2"), Path.Combine(outDir, "shard-1-of-2"));
    }

    private static readonly object[] BadShards =
    [
        new object[] { new[] { "--shard", "2/2" }, new Dictionary<string, string?>(), "--shard 2/2: shard index 2 is outside 0..1" },
        new object[] { new[] { "--shard", "1/0" }, new Dictionary<string, string?>(), "the number of shards must be at least 1, got 0" },
        new object[] { new[] { "--shard", "one/2" }, new Dictionary<string, string?>(), "--shard 'one/2' is not K/N" },
        new object[] { new[] { "--shard", "0/2", "--shard-count", "3" }, new Dictionary<string, string?>(), "--shard-count 3 disagrees with --shard 0/2" },
        new object[] { new[] { "--shard-count", "2" }, new Dictionary<string, string?>(), "--shard-count needs a shard index" },
        new object[] { Array.Empty<string>(), new Dictionary<string, string?> { ["JOB_COMPLETION_INDEX"] = "0" },
            "JOB_COMPLETION_INDEX is 0 (a Kubernetes Indexed Job) but the number of shards is not given: pass --shard-count N or set DELTAMERGE_SHARD_COUNT" },
        new object[] { Array.Empty<string>(), new Dictionary<string, string?> { ["JOB_COMPLETION_INDEX"] = "x1", ["DELTAMERGE_SHARD_COUNT"] = "2" },
            "JOB_COMPLETION_INDEX 'x1' is not a whole number" },
        new object[] { Array.Empty<string>(), new Dictionary<string, string?> { ["JOB_COMPLETION_INDEX"] = "2", ["DELTAMERGE_SHARD_COUNT"] = "2" },
            "shard index 2 is outside 0..1" },
        new object[] { Array.Empty<string>(), new Dictionary<string, string?> { ["SLURM_ARRAY_TASK_ID"] = "1" }, "SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_COUNT is not" },
        new object[] { Array.Empty<string>(), new Dictionary<string, string?> { ["SLURM_ARRAY_TASK_ID"] = "5", ["SLURM_ARRAY_TASK_COUNT"] = "3", ["SLURM_ARRAY_TASK_MIN"] = "1", ["SLURM_ARRAY_TASK_MAX"] = "5" },
            "the Slurm array's ids 1..5 are not 3 consecutive ids" },
        new object[] { Array.Empty<string>(), new Dictionary<string, string?> { ["SLURM_ARRAY_TASK_ID"] = "2", ["SLURM_ARRAY_TASK_COUNT"] = "3", ["SLURM_ARRAY_TASK_STEP"] = "2" },
            "the Slurm array steps by 2" },
    ];

    [TestCaseSource(nameof(BadShards))]
    public void BadShardSelectionIsAUsageError(string[] options, Dictionary<string, string?> environment, string message)
    {
        var r = CliProcess.RunWith(environment, Copa(_temp.Sub("bad-shard"), [.. options, "--json"]));
        Assert.That(r.ExitCode, Is.EqualTo(ExitCodes.Usage), r.Stderr);
        using var doc = JsonDocument.Parse(r.Stdout);
        Assert.That(doc.RootElement.GetProperty("error").GetProperty("kind").GetString(), Is.EqualTo("usage"));
        Assert.That(doc.RootElement.GetProperty("error").GetProperty("message").GetString(), Does.Contain(message));
        CliAssert.NoStackTrace(r);
    }

    /// <summary>eval-merge's refusal: exit 3, error kind shard_merge.KIND, a message containing <paramref name="message"/>.</summary>
    private static void AssertRefused(CliProcess.Result r, string kind, string message)
    {
        Assert.That(r.ExitCode, Is.EqualTo(ExitCodes.InvalidInput), r.Stderr);
        using var doc = JsonDocument.Parse(r.Stdout);
        Assert.That(doc.RootElement.GetProperty("error").GetProperty("kind").GetString(), Is.EqualTo("shard_merge." + kind));
        Assert.That(doc.RootElement.GetProperty("error").GetProperty("message").GetString(), Does.Contain(message));
        CliAssert.NoStackTrace(r);
    }

    private static string Shard(int k, int n) => Path.Combine(CopaShards(n), $"shard-{k}-of-{n}");

    [Test]
    public void AMissingShardIsRefused()
    {
        string outDir = _temp.Sub("refused-missing");
        AssertRefused(Merge(outDir, Shard(0, 3), Shard(2, 3)), "MissingShard", "shard 1/3 missing: the run has 3 shards and only 0/3, 2/3 were given");
        Assert.That(Directory.Exists(outDir), Is.False, "nothing is written");
    }

    [Test]
    public void AShardOfAnotherModelIsRefused()
    {
        // The same weights under another checksum listing: another model as far as the run's identity goes.
        string other = _temp.CopyOf(_model, "other-model");
        File.AppendAllText(Path.Combine(other, "SHA256SUMS"), new string('0', 64) + "  NOTES.txt\n");
        string otherShards = _temp.Sub("copa-other-model");
        Ok(CliProcess.Run(["eval", "--model", other, "--task", "copa", "--data", TinyEvalModel.Data("copa.jsonl"), "--out", otherShards, "--quiet", "--shard", "1/2"]));
        AssertRefused(Merge(_temp.Sub("refused-model"), Shard(0, 2), Path.Combine(otherShards, "shard-1-of-2")), "DifferentRun", "model SHA-256");
    }

    [Test]
    public void AShardWithOtherOptionsIsRefused()
    {
        string rank = _temp.Sub("copa-rank");
        Ok(CliProcess.Run(Copa(rank, "--mode", "rank", "--shard", "1/2")));
        AssertRefused(Merge(_temp.Sub("refused-mode"), Shard(0, 2), Path.Combine(rank, "shard-1-of-2")), "DifferentRun", "mode generate vs rank");
        AssertRefused(Merge(_temp.Sub("refused-count"), Shard(0, 2), Shard(1, 3), Shard(2, 3)), "DifferentRun", "shard count 2 vs 3");
        AssertRefused(Merge(_temp.Sub("refused-kinds"), Shard(0, 2), Path.Combine(SuiteShards(2), "shard-1-of-2")), "DifferentRun", "eval-suite shards");
    }

    [Test]
    public void DuplicatedExamplesAreRefused()
    {
        string copy = _temp.CopyOf(Shard(1, 2), "copy-of-shard-1");
        AssertRefused(Merge(_temp.Sub("refused-twice"), Shard(0, 2), Shard(1, 2), copy), "DuplicatedExamples", "shard 1/2 is given twice");

        string repeated = _temp.CopyOf(Shard(1, 2), "shard-1-repeating");
        string predictions = Path.Combine(repeated, "predictions.jsonl");
        File.WriteAllText(predictions, File.ReadAllLines(predictions)[0] + "\n" + File.ReadAllText(predictions));
        AssertRefused(Merge(_temp.Sub("refused-repeat"), Shard(0, 2), repeated), "DuplicatedExamples", "line 2 repeats example 2");
    }

    [Test]
    public void AnUnfinishedShardIsRefusedAndResumeFinishesIt()
    {
        // What an interrupted shard leaves: its first prediction, run.json with "finished": false.
        string dir = _temp.Sub("copa-interrupted");
        Ok(CliProcess.Run(Copa(dir, "--shard", "0/2")));
        string shard = Path.Combine(dir, "shard-0-of-2");
        File.WriteAllText(Path.Combine(shard, "predictions.jsonl"), File.ReadAllLines(Path.Combine(shard, "predictions.jsonl"))[0] + "\n");
        string run = Path.Combine(shard, "run.json");
        File.WriteAllText(run, File.ReadAllText(run).Replace("\"finished\": true", "\"finished\": false"));
        AssertRefused(Merge(_temp.Sub("refused-unfinished"), shard, Shard(1, 2)), "UnfinishedShard", "shard 0/2 has not finished");

        Assert.That(CliProcess.Run(Copa(dir, "--shard", "0/2")).ExitCode, Is.EqualTo(ExitCodes.Usage), "existing predictions need --resume or --force");
        var resumed = CliProcess.Run(Copa(dir, "--shard", "0/2", "--resume", "--json"));
        Ok(resumed);
        Assert.That(File.ReadAllText(Path.Combine(shard, "predictions.jsonl")), Is.EqualTo(File.ReadAllText(Path.Combine(Shard(0, 2), "predictions.jsonl"))));
        string merged = _temp.Sub("copa-resumed-merged");
        Ok(Merge(merged, shard, Shard(1, 2)));
        DirectoryFiles.AssertSame(WholeCopa(), merged);
    }

    [Test]
    public void WholeRunsEmptyDirectoriesAndExistingOutputsAreRefused()
    {
        AssertRefused(Merge(_temp.Sub("refused-whole"), WholeCopa()), "NotSharded", "holds a whole run");
        string empty = _temp.Sub("empty");
        Directory.CreateDirectory(empty);
        AssertRefused(Merge(_temp.Sub("refused-empty"), empty), "NoShards", "holds no shard");
        var exists = Merge(WholeCopa(), CopaShards(2));
        Assert.That(exists.ExitCode, Is.EqualTo(ExitCodes.Usage), exists.Stderr);
    }
}
