using DeltaMerge.Compute;
using DeltaMerge.Runtime.Generation;
using DeltaMerge.Tests.Shared;
using DeltaMerge.Tokenization;

namespace DeltaMerge.Runtime.Tests.Generation;

/// <summary>Generation and scoring on the tiny merged model, against the PyTorch reference (forward-f32.json).</summary>
[NonParallelizable]
public sealed class TextGeneratorTests
{
    private static TempDirectory _temp = null!;
    private static ModelSession _session = null!;
    private static ReferenceForward _reference = null!;

    [OneTimeSetUp]
    public static void Load()
    {
        _temp = new TempDirectory();
        _reference = ReferenceForward.Load("forward-f32.json");
        string dir = TinyModels.SessionDirectory(_temp, "merge-f32", _reference);
        _session = ModelSession.Open(dir, new RuntimeOptions { Device = DeviceChoice.Cpu });
    }

    [OneTimeTearDown]
    public static void Unload()
    {
        _session?.Dispose();
        _temp?.Dispose();
    }

    [Test]
    public void GreedyTokensEqualThePyTorchReferenceAndStreamTheSameText()
    {
        foreach (var prompt in _reference.Prompts)
        {
            var streamed = new System.Text.StringBuilder();
            var result = _session.Generator.Generate(prompt.Ids, new GenerationOptions { MaxNewTokens = prompt.GreedyIds.Length, StopTokenIds = [-1] }, t => streamed.Append(t));
            Assert.That(result.Tokens, Is.EqualTo(prompt.GreedyIds), prompt.Name);
            Assert.That(result.Reason, Is.EqualTo(StopReason.MaxTokens));
            Assert.That(streamed.ToString(), Is.EqualTo(result.Text));
            Assert.That(result.Text, Is.EqualTo(_session.Tokenizer.Decode(result.Tokens, new HashSet<int> { 1, 2 })));
        }
    }

    [Test]
    public void StopStringsCutTheTextAndStopTokensEndGeneration()
    {
        var prompt = _reference.Prompts[0];
        var full = _session.Generator.Generate(prompt.Ids, new GenerationOptions { MaxNewTokens = 16, StopTokenIds = [-1] });
        string stop = full.Text.Length > 4 ? full.Text.Substring(2, 2) : full.Text;
        var streamed = new System.Text.StringBuilder();
        var cut = _session.Generator.Generate(prompt.Ids, new GenerationOptions { MaxNewTokens = 16, StopTokenIds = [-1], StopStrings = [stop] }, t => streamed.Append(t));
        Assert.That(cut.Reason, Is.EqualTo(StopReason.StopString));
        Assert.That(cut.Text, Is.EqualTo(full.Text[..full.Text.IndexOf(stop, StringComparison.Ordinal)]));
        Assert.That(streamed.ToString(), Is.EqualTo(cut.Text), "text that became a stop string is never streamed");
        var stopped = _session.Generator.Generate(prompt.Ids, new GenerationOptions { MaxNewTokens = 16, StopTokenIds = [prompt.GreedyIds[2]] });
        Assert.That(stopped.Tokens, Is.EqualTo(prompt.GreedyIds[..3]));
        Assert.That(stopped.Reason, Is.EqualTo(StopReason.StopToken));
    }

    [Test]
    public void ScoreLogProbsEqualThePyTorchReference()
    {
        foreach (var prompt in _reference.Prompts)
        {
            double[] ours = Scorer.LogProbs(_session.Runtime, prompt.Ids);
            Assert.That(ours, Has.Length.EqualTo(prompt.Ids.Length - 1));
            for (int i = 0; i < ours.Length; i++) Assert.That(ours[i], Is.EqualTo(prompt.LogProbs[i]).Within(1e-4), $"{prompt.Name}[{i}]");
        }
    }

    [Test]
    public void TokenizerEncodesThePromptsAsTheReferenceDid()
    {
        var corpus = System.Text.Json.JsonDocument.Parse(File.ReadAllBytes(Path.Combine(RepoPaths.Fixtures, "reference", "forward-f32.json")));
        foreach (var p in corpus.RootElement.GetProperty("prompts").EnumerateArray())
        {
            int[] ids = p.GetProperty("ids").EnumerateArray().Select(e => e.GetInt32()).ToArray();
            Assert.That(_session.Tokenizer.Encode(p.GetProperty("text").GetString()!), Is.EqualTo(ids));
        }
    }
}
