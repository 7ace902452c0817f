using System.Text.Json;
using System.Text.Json.Nodes;
using DeltaMerge.Tests.Shared;

namespace DeltaMerge.Cli.Tests;

/// <summary>eval and eval-suite end to end on a tiny merged model (merged by the CLI, as RuntimeCliTests does).</summary>
[NonParallelizable]
public sealed class EvalCliTests
{
    private static TempDirectory _temp = null!;
    private static string _model = null!;

    private static string Eval(string name) => TinyEvalModel.Data(name);

    [OneTimeSetUp]
    public static void MergeTheTinyModel()
    {
        _temp = new TempDirectory();
        _model = TinyEvalModel.Merge(_temp);
    }

    [OneTimeTearDown] public static void Cleanup() => _temp?.Dispose();

    [Test]
    public void ClassificationTaskWritesTheThreeFiles()
    {
        string outDir = _temp.Sub("copa");
        var r = CliProcess.Run("eval", "--model", _model, "--task", "copa", "--data", Eval("copa.jsonl"), "--out", outDir, "--json");
        Assert.That(r.ExitCode, Is.Zero, r.Stderr);
        var metrics = JsonNode.Parse(r.Stdout)!.AsObject();
        Assert.That(metrics.Select(kv => kv.Key), Is.EqualTo(new[] { "task", "mode", "n", "accuracy", "fallbacks" }));
        Assert.That(metrics["n"]!.GetValue<int>(), Is.EqualTo(4));
        var lines = File.ReadAllLines(Path.Combine(outDir, "predictions.jsonl"));
        Assert.That(lines, Has.Length.EqualTo(4));
        Assert.That(JsonNode.Parse(lines[0])!.AsObject().Select(kv => kv.Key), Is.EqualTo(new[] { "index", "prompt", "output", "prediction", "correct" }));
        Assert.That(JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "metrics.json")))!.ToJsonString(), Is.EqualTo(metrics.ToJsonString()));
        string report = File.ReadAllText(Path.Combine(outDir, "report.md"));
        Assert.That(report, Does.Contain("COPA"));
        ChartAssert.ChartIsLinked(outDir, "breakdown", (640, 400), report);

        var again = CliProcess.Run("eval", "--model", _model, "--task", "copa", "--data", Eval("copa.jsonl"), "--out", outDir);
        Assert.That(again.ExitCode, Is.EqualTo(ExitCodes.Usage), "existing predictions need --resume or --force");
        var resumed = CliProcess.Run("eval", "--model", _model, "--task", "copa", "--data", Eval("copa.jsonl"), "--out", outDir, "--resume", "--json");
        Assert.That(resumed.ExitCode, Is.Zero, resumed.Stderr);
        Assert.That(JsonNode.Parse(resumed.Stdout)!.ToJsonString(), Is.EqualTo(metrics.ToJsonString()));
    }

    [Test]
    public void QaTaskWritesF1AndExactMatch()
    {
        string outDir = _temp.Sub("squad");
        var r = CliProcess.Run("eval", "--model", _model, "--task", "squad", "--data", Eval("squad-dev.json"), "--out", outDir, "--limit", "2", "--json");
        Assert.That(r.ExitCode, Is.Zero, r.Stderr);
        var metrics = JsonNode.Parse(r.Stdout)!.AsObject();
        Assert.That(metrics.Select(kv => kv.Key), Is.EqualTo(new[] { "task", "n", "f1", "exact_match", "fallbacks" }));
        var first = JsonNode.Parse(File.ReadLines(Path.Combine(outDir, "predictions.jsonl")).First())!.AsObject();
        Assert.That(first.Select(kv => kv.Key), Is.EqualTo(new[] { "index", "prompt", "output", "prediction", "f1", "exact_match" }));
        Assert.That(first["prompt"]!.GetValue<string>(), Does.StartWith("Answer the question according to the context. Question: Which team won Super Bowl 50?. Context: "));
    }

    [TestCase("bad/copa-malformed.jsonl", "copa", "eval_data.MalformedJson")]
    [TestCase("bad/mnli-unlabeled.jsonl", "mnli", "eval_data.Unlabeled")]
    public void BadDataIsAnInputError(string file, string task, string kind)
    {
        var r = CliProcess.Run("eval", "--model", _model, "--task", task, "--data", Eval(file), "--out", _temp.Sub("bad-" + task), "--json");
        Assert.That(r.ExitCode, Is.EqualTo(ExitCodes.InvalidInput), r.Stderr);
        using var doc = JsonDocument.Parse(r.Stdout);
        Assert.That(doc.RootElement.GetProperty("error").GetProperty("kind").GetString(), Is.EqualTo(kind));
        Assert.That(r.Stderr, Does.Contain(Path.GetFileName(file)));
    }

    [Test]
    public void UsageErrors()
    {
        Assert.That(CliProcess.Run("eval", "--model", _model, "--task", "nope", "--data", Eval("copa.jsonl"), "--out", _temp.Sub("u1")).ExitCode, Is.EqualTo(ExitCodes.Usage));
        Assert.That(CliProcess.Run("eval", "--model", _model, "--task", "squad", "--mode", "rank", "--data", Eval("squad.jsonl"), "--out", _temp.Sub("u2")).ExitCode, Is.EqualTo(ExitCodes.Usage));
        Assert.That(CliProcess.Run("eval", "--model", _model, "--task", "copa", "--mode", "sample", "--data", Eval("copa.jsonl"), "--out", _temp.Sub("u3")).ExitCode, Is.EqualTo(ExitCodes.Usage));
    }

    [Test]
    public void SuiteRunsWhatItFinds()
    {
        string data = _temp.Sub("suite-data");
        Directory.CreateDirectory(Path.Combine(data, "SST-2"));
        File.Copy(Eval("sst2_dev.tsv"), Path.Combine(data, "SST-2", "dev.tsv"));
        File.Copy(Eval("xquad.en.json"), Path.Combine(data, "xquad.en.json"));
        string outDir = _temp.Sub("suite-out");
        var r = CliProcess.Run("eval-suite", "--model", _model, "--data-dir", data, "--out", outDir, "--json");
        Assert.That(r.ExitCode, Is.Zero, r.Stderr);
        var root = JsonNode.Parse(r.Stdout)!.AsObject();
        Assert.That(root["tasks"]!.AsArray().Select(t => t!["task"]!.GetValue<string>()), Is.EquivalentTo(new[] { "xquad", "sst2" }));
        string report = File.ReadAllText(Path.Combine(outDir, "report.md"));
        Assert.That(report, Does.Contain("| LLaMA-7b (published) | 9.5/2.0 | 14.3/2.6 | 13.4/3.3 | 29.4/11.5 |"));
        ChartAssert.ChartIsLinked(outDir, "scores", (1000, 500), report);
    }
}
