using System.Text.Json.Nodes;
using DeltaMerge.Eval.Running;
using DeltaMerge.Runtime;
using DeltaMerge.Tests.Shared;

namespace DeltaMerge.Eval.Tests;

/// <summary>
/// The whole protocol on the tiny model against scripts/references/reference_eval.py (plain PyTorch forward, SentencePiece,
/// Python's str/difflib): prompts, outputs, predictions and metrics must be identical.
/// </summary>
[NonParallelizable]
public sealed class ReferenceProtocolTests
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

    [TestCase("copa")]
    [TestCase("rte")]
    [TestCase("mnli")]
    [TestCase("sst2")]
    [TestCase("squad")]
    [TestCase("winogrande")]
    [TestCase("wic")]
    [TestCase("openbookqa")]
    [TestCase("xquad")]
    [TestCase("tydiqa")]
    [TestCase("mlqa")]
    public void RecordsAndMetricsEqualThePythonReference(string task)
    {
        var expected = EvalFixtures.Expected("tiny_protocol.json")[task]!.AsObject();
        var data = EvalFixtures.Load(task, EvalFixtures.Str(expected["file"]));
        string dir = _temp.Sub(task);
        new EvalRunner(_session).Run(data, dir, new EvalOptions());
        var lines = File.ReadAllLines(Path.Combine(dir, "predictions.jsonl")).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
        var records = expected["records"]!.AsArray();
        Assert.That(lines, Has.Count.EqualTo(records.Count));
        for (int i = 0; i < lines.Count; i++)
        {
            var want = records[i]!.AsObject();
            foreach (var (key, value) in want)
                Assert.That(Normalize(lines[i][key]), Is.EqualTo(Normalize(value)), $"{task} example {i} field {key}");
        }
        var metrics = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "metrics.json")))!.AsObject();
        foreach (var (key, value) in expected["metrics"]!.AsObject())
            Assert.That(Normalize(metrics[key]), Is.EqualTo(Normalize(value)), $"{task} metric {key}");
    }

    /// <summary>Python writes 1.0 and 100.0 where .NET writes 1 and 100: compare numbers as doubles.</summary>
    private static string? Normalize(JsonNode? value) =>
        value is JsonValue v && v.TryGetValue(out double d) && v.GetValueKind() == System.Text.Json.JsonValueKind.Number
            ? JsonValue.Create(d).ToJsonString()
            : value?.ToJsonString(PredictionsJson);

    private static readonly System.Text.Json.JsonSerializerOptions PredictionsJson =
        new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
