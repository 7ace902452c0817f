using System.Text.Json.Nodes;
using DeltaMerge.Eval.Data;
using DeltaMerge.Eval.Reporting;
using DeltaMerge.Eval.Running;
using DeltaMerge.Runtime;
using DeltaMerge.Runtime.Generation;
using DeltaMerge.Tests.Shared;

namespace DeltaMerge.Eval.Tests;

/// <summary>The runner on the tiny merged model: output files, resume, rank mode, and the protocol's decoding.</summary>
[NonParallelizable]
public sealed class RunnerTests
{
    private static TempDirectory _temp = null!;
    private static ModelSession _session = null!;

    [OneTimeSetUp]
    public static void Load()
    {
        _temp = new TempDirectory();
        _session = TinySession.Session;
    }

    [OneTimeTearDown] public static void Cleanup() => _temp?.Dispose();

    [Test]
    public void ClassificationWritesPredictionsMetricsAndReport()
    {
        var data = EvalFixtures.Load("copa", "copa.jsonl");
        string dir = _temp.Sub("copa");
        var progress = new List<(int, int)>();
        var result = new EvalRunner(_session).Run(data, dir, new EvalOptions(), new SyncProgress(progress));
        Assert.That(result.Metrics.N, Is.EqualTo(4));
        Assert.That(progress.Last(), Is.EqualTo((4, 4)));
        var lines = File.ReadAllLines(Path.Combine(dir, "predictions.jsonl")).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
        Assert.That(lines, Has.Count.EqualTo(4));
        for (int i = 0; i < lines.Count; i++)
        {
            Assert.That(lines[i].Select(kv => kv.Key), Is.EqualTo(new[] { "index", "prompt", "output", "prediction", "correct" }));
            Assert.That(lines[i]["index"]!.GetValue<int>(), Is.EqualTo(i));
            Assert.That(lines[i]["prompt"]!.GetValue<string>(), Is.EqualTo(data.Task.Prompt(data.Examples[i])));
            Assert.That(lines[i]["prediction"]!.GetValue<int>(), Is.AnyOf(0, 1));
            Assert.That(lines[i]["correct"]!.GetValue<bool>(), Is.EqualTo(lines[i]["prediction"]!.GetValue<int>() == data.Examples[i].Gold));
        }
        var metrics = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "metrics.json")))!.AsObject();
        Assert.That(metrics.Select(kv => kv.Key), Is.EqualTo(new[] { "task", "mode", "n", "accuracy", "fallbacks" }));
        Assert.That(metrics["accuracy"]!.GetValue<double>(), Is.EqualTo(100.0 * lines.Count(l => l["correct"]!.GetValue<bool>()) / 4));
        string report = File.ReadAllText(Path.Combine(dir, "report.md"));
        Assert.That(report, Does.Contain("| MT-LLaMA-7b (published) | 88.0 |").And.Contain("| LLaMA-7b (published) | 56.0 |"));
        Assert.That(report, Does.Contain("## Accuracy by gold label"));
        ChartAssert.ChartIsLinked(dir, ScoreChart.TaskName, ScoreChart.TaskSize, report);
    }

    [Test]
    public void OutputsAreTheProtocolsGreedyDecoding()
    {
        // Independent restatement: [2] + ids, greedy with only the newline stopping, decode minus prompt, strip.
        var data = EvalFixtures.Load("rte", "rte.jsonl");
        string dir = _temp.Sub("rte");
        new EvalRunner(_session).Run(data, dir, new EvalOptions());
        var tok = _session.Tokenizer;
        var lines = File.ReadAllLines(Path.Combine(dir, "predictions.jsonl")).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
        for (int i = 0; i < data.Examples.Count; i++)
        {
            var ids = new List<int> { 2 };
            ids.AddRange(tok.Encode(data.Task.Prompt(data.Examples[i]), addBos: false));
            var gen = _session.Generator.Generate(ids, new GenerationOptions { MaxNewTokens = 64, StopTokenIds = [13] });
            Assert.That(gen.Tokens.Count == 64 || gen.Tokens[^1] == 13, Is.True, "stops only at the newline or after 64 tokens");
            var skip = new HashSet<int> { 2, 384 };
            string full = tok.Decode(ids.Concat(gen.Tokens), skip);
            string prompt = tok.Decode(ids, skip);
            Assert.That(lines[i]["output"]!.GetValue<string>(), Is.EqualTo(full[prompt.Length..].Trim()));
        }
    }

    [Test]
    public void PredictionsAreTheSameForEveryBatchSize()
    {
        var data = EvalFixtures.Load("sst2", "sst2.jsonl");
        var runner = new EvalRunner(_session);
        string one = _temp.Sub("sst2-b1"), eight = _temp.Sub("sst2-b8"), two = _temp.Sub("sst2-b2");
        runner.Run(data, one, new EvalOptions { BatchSize = 1 });
        runner.Run(data, eight, new EvalOptions { BatchSize = 8 });
        runner.Run(data, two, new EvalOptions { BatchSize = 2 });  // fewer slots than examples: a slot is refilled
        string expected = File.ReadAllText(Path.Combine(one, "predictions.jsonl"));
        Assert.That(expected.Split('\n', StringSplitOptions.RemoveEmptyEntries), Has.Length.EqualTo(data.Examples.Count));
        Assert.That(File.ReadAllText(Path.Combine(eight, "predictions.jsonl")), Is.EqualTo(expected));
        Assert.That(File.ReadAllText(Path.Combine(two, "predictions.jsonl")), Is.EqualTo(expected));
        Assert.That(File.ReadAllText(Path.Combine(eight, "metrics.json")), Is.EqualTo(File.ReadAllText(Path.Combine(one, "metrics.json"))));
    }

    [Test]
    public void QaWritesF1AndExactMatch()
    {
        var data = EvalFixtures.Load("squad", "squad.jsonl");
        string dir = _temp.Sub("squad");
        var result = new EvalRunner(_session).Run(data, dir, new EvalOptions { Limit = 2 });
        Assert.That(result.Metrics.N, Is.EqualTo(2));
        var lines = File.ReadAllLines(Path.Combine(dir, "predictions.jsonl")).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
        Assert.That(lines, Has.Count.EqualTo(2));
        Assert.That(lines[0].Select(kv => kv.Key), Is.EqualTo(new[] { "index", "prompt", "output", "prediction", "f1", "exact_match" }));
        Assert.That(lines[0]["prediction"]!.GetValue<string>(), Is.EqualTo(Scoring.QaMetrics.AnswerFromOutput(lines[0]["output"]!.GetValue<string>())));
        var metrics = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "metrics.json")))!.AsObject();
        Assert.That(metrics.Select(kv => kv.Key), Is.EqualTo(new[] { "task", "n", "f1", "exact_match", "fallbacks" }));
        Assert.That(metrics["f1"]!.GetValue<double>(), Is.EqualTo(100.0 * lines.Sum(l => l["f1"]!.GetValue<double>()) / 2).Within(1e-9));
        string report = File.ReadAllText(Path.Combine(dir, "report.md"));
        Assert.That(report, Does.Contain("85.9/77.6").And.Contain("--limit").And.Contain("## Examples by F1"));
        ChartAssert.ChartIsLinked(dir, ScoreChart.TaskName, ScoreChart.TaskSize, report);
    }

    [Test]
    public void ResumeContinuesAndGivesTheSameFiles()
    {
        var data = EvalFixtures.Load("wic", "wic.jsonl");
        string full = _temp.Sub("wic-full"), part = _temp.Sub("wic-part");
        var runner = new EvalRunner(_session);
        runner.Run(data, full, new EvalOptions());
        runner.Run(data, part, new EvalOptions { Limit = 1 });
        // An interrupted write leaves half a line: it is dropped.
        File.AppendAllText(Path.Combine(part, "predictions.jsonl"), "{\"index\": 1, \"pro");
        var resumed = runner.Run(data, part, new EvalOptions { Resume = true });
        Assert.That((resumed.Resumed, resumed.Evaluated), Is.EqualTo((1, 2)));
        Assert.That(File.ReadAllText(Path.Combine(part, "predictions.jsonl")), Is.EqualTo(File.ReadAllText(Path.Combine(full, "predictions.jsonl"))));
        Assert.That(File.ReadAllText(Path.Combine(part, "metrics.json")), Is.EqualTo(File.ReadAllText(Path.Combine(full, "metrics.json"))));
    }

    [Test]
    public void ResumeWithASmallerLimitTrimsThePredictions()
    {
        var data = EvalFixtures.Load("wic", "wic.jsonl");
        string dir = _temp.Sub("wic-trim");
        var runner = new EvalRunner(_session);
        runner.Run(data, dir, new EvalOptions());
        var result = runner.Run(data, dir, new EvalOptions { Resume = true, Limit = 2 });
        Assert.That((result.Resumed, result.Evaluated, result.Metrics.N), Is.EqualTo((2, 0, 2)));
        Assert.That(File.ReadAllLines(Path.Combine(dir, "predictions.jsonl")), Has.Length.EqualTo(2));
    }

    [Test]
    public void ResumeRefusesACorruptCompleteLine()
    {
        var data = EvalFixtures.Load("wic", "wic.jsonl");
        string dir = _temp.Sub("wic-corrupt");
        var runner = new EvalRunner(_session);
        runner.Run(data, dir, new EvalOptions { Limit = 1 });
        File.AppendAllText(Path.Combine(dir, "predictions.jsonl"), "not json\n");
        var e = Assert.Throws<EvalDataException>(() => runner.Run(data, dir, new EvalOptions { Resume = true }))!;
        Assert.That((e.Kind, e.Location), Is.EqualTo((EvalDataErrorKind.ResumeMismatch, "line 2")));
    }

    [Test]
    public void ResumeRefusesPredictionsOfOtherData()
    {
        string dir = _temp.Sub("mismatch");
        var runner = new EvalRunner(_session);
        runner.Run(EvalFixtures.Load("mnli", "mnli.jsonl"), dir, new EvalOptions { Limit = 3 });
        File.Delete(Path.Combine(dir, EvalRunner.RunFileName)); // only the prompts can tell now
        // The TSV's first two examples are the JSON Lines file's; its third is not.
        var e = Assert.Throws<EvalDataException>(() => runner.Run(EvalFixtures.Load("mnli", "mnli_dev_matched.tsv"), dir, new EvalOptions { Resume = true }))!;
        Assert.That((e.Kind, e.Location), Is.EqualTo((EvalDataErrorKind.ResumeMismatch, "line 3")));
    }

    [Test]
    public void ResumeRefusesAnotherMode()
    {
        string dir = _temp.Sub("mode");
        var runner = new EvalRunner(_session);
        var data = EvalFixtures.Load("rte", "rte.jsonl");
        runner.Run(data, dir, new EvalOptions { Limit = 1 });
        var e = Assert.Throws<EvalDataException>(() => runner.Run(data, dir, new EvalOptions { Resume = true, Mode = EvalMode.Rank }))!;
        Assert.That(e.Kind, Is.EqualTo(EvalDataErrorKind.ResumeMismatch));
        var other = Assert.Throws<EvalDataException>(() => runner.Run(EvalFixtures.Load("wic", "wic.jsonl"), dir, new EvalOptions { Resume = true }))!;
        Assert.That(other.Kind, Is.EqualTo(EvalDataErrorKind.ResumeMismatch));
    }

    [Test]
    public void RankModePicksTheMostLikelyOption()
    {
        var data = EvalFixtures.Load("mnli", "mnli.jsonl");
        string dir = _temp.Sub("mnli-rank");
        var runner = new EvalRunner(_session);
        var result = runner.Run(data, dir, new EvalOptions { Mode = EvalMode.Rank });
        var lines = File.ReadAllLines(Path.Combine(dir, "predictions.jsonl")).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
        var tokens = new PromptTokens(_session.Tokenizer, SpecialTokens.Authors);
        for (int i = 0; i < lines.Count; i++)
        {
            // Independent scoring: sum of the option tokens' log-probabilities after the prompt.
            var ids = tokens.Encode(data.Task.Prompt(data.Examples[i]));
            double[] scores = new[] { "Maybe", "Yes", "No" }.Select(o =>
            {
                var option = _session.Tokenizer.Encode(o, addBos: false);
                var lp = Scorer.LogProbs(_session.Runtime, ids.Concat(option).ToList());
                return lp.TakeLast(option.Count).Sum();
            }).ToArray();
            int best = Array.IndexOf(scores, scores.Max());
            Assert.That(lines[i]["output"]!.GetValue<string>(), Is.EqualTo(new[] { "Maybe", "Yes", "No" }[best]));
            Assert.That(lines[i]["prediction"]!.GetValue<int>(), Is.EqualTo(new[] { 1, 0, 2 }[best]), "glue/mnli's own codes");
        }
        Assert.That(result.Metrics.Fallbacks, Is.Zero);
        Assert.Throws<ArgumentException>(() => runner.Run(EvalFixtures.Load("squad", "squad.jsonl"), _temp.Sub("qa-rank"), new EvalOptions { Mode = EvalMode.Rank }));
    }

    [Test]
    public void SuiteFindsFilesByConventionAndWritesTheTwoTables()
    {
        string data = _temp.Sub("suite-data");
        Directory.CreateDirectory(Path.Combine(data, "squad"));
        File.Copy(EvalFixtures.File("copa.jsonl"), Path.Combine(data, "copa.jsonl"));
        File.Copy(EvalFixtures.File("squad-dev.json"), Path.Combine(data, "squad", "dev-v1.1.json"));
        string outDir = _temp.Sub("suite-out");
        var outcomes = new EvalSuite(_session).Run(data, outDir, new EvalOptions { Limit = 1 });
        Assert.That(outcomes.Where(o => o.Result != null).Select(o => o.Task.Name), Is.EquivalentTo(new[] { "copa", "squad" }));
        Assert.That(File.Exists(Path.Combine(outDir, "copa", "metrics.json")) && File.Exists(Path.Combine(outDir, "squad", "predictions.jsonl")), Is.True);
        string report = File.ReadAllText(Path.Combine(outDir, "report.md"));
        Assert.That(report, Does.Contain("| model | XQuAD-en | TyDiQA-en | MLQA-en | SQuAD |"));
        Assert.That(report, Does.Contain("| model | SST-2 | OpenbookQA | COPA | Winogrande | WiC | MNLI | RTE |"));
        Assert.That(report, Does.Contain("| MT-LLaMA-7b (published) | 92.6 | 38.2 | 88.0 | 54.9 | 52.2 | 49.6 | 79.1 |"));
        Assert.That(report, Does.Contain("WiC: no data file found"));
        ChartAssert.ChartIsLinked(outDir, ScoreChart.SuiteName, ScoreChart.SuiteSize, report);
        var missing = Assert.Throws<EvalDataException>(() => new EvalSuite(_session).Run(data, outDir, new EvalOptions(), [EvalFixtures.Task("wic")]))!;
        Assert.That(missing.Kind, Is.EqualTo(EvalDataErrorKind.NotFound));
    }

    /// <summary>Progress&lt;T&gt; posts to the thread pool; tests want the calls in order, now.</summary>
    private sealed class SyncProgress(List<(int, int)> calls) : IProgress<(int Done, int Total)>
    {
        public void Report((int Done, int Total) value) => calls.Add(value);
    }
}
