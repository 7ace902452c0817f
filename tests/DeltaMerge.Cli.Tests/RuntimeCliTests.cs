using System.Diagnostics;
using System.Text.Json;
using DeltaMerge.Tests.Shared;

namespace DeltaMerge.Cli.Tests;

/// <summary>run, score, chat and the sanity prompts, on a tiny merged model, against the PyTorch reference.</summary>
[NonParallelizable]
public sealed class RuntimeCliTests
{
    private static TempDirectory _temp = null!;
    private static string _model = null!;
    private static string _gguf = null!;
    private static ReferenceForward _reference = null!;

    [OneTimeSetUp]
    public static void MergeTheTinyModel()
    {
        _temp = new TempDirectory();
        _reference = ReferenceForward.Load("forward-f32.json");
        var (baseDir, deltaDir) = FixtureEdits.SanitizedTinyInputs(_temp);
        _model = _temp.Sub("merged");
        _gguf = _temp.Sub("merged.gguf");
        foreach (string output in new[] { _model, _gguf })
        {
            var r = CliProcess.Run("merge", "--base", baseDir, "--delta", deltaDir, "--out", output, "--dtype", "f32", "--quiet");
            Assert.That(r.ExitCode, Is.Zero, r.Stderr);
        }
    }

    [OneTimeTearDown] public static void Cleanup() => _temp?.Dispose();

    [TestCase(false)]
    [TestCase(true)]
    public void RunJsonGivesTheReferenceGreedyContinuation(bool gguf)
    {
        var prompt = _reference.Prompts[0];
        var r = CliProcess.Run("run", "--model", gguf ? _gguf : _model, "--prompt", prompt.Text, "--max-new-tokens", "16", "--json");
        Assert.That(r.ExitCode, Is.Zero, r.Stderr);
        using var doc = JsonDocument.Parse(r.Stdout);
        var root = doc.RootElement;
        Assert.That(root.GetProperty("prompt_tokens").EnumerateArray().Select(e => e.GetInt32()), Is.EqualTo(prompt.Ids));
        Assert.That(root.GetProperty("tokens").EnumerateArray().Select(e => e.GetInt32()), Is.EqualTo(prompt.GreedyIds));
        Assert.That(root.GetProperty("text").GetString(), Is.Not.Null);
    }

    [Test]
    public void RunStreamsTextToStdout()
    {
        var r = CliProcess.Run("run", "--model", _model, "--prompt", _reference.Prompts[1].Text, "--max-new-tokens", "8", "--temperature", "0.8", "--seed", "3");
        Assert.That(r.ExitCode, Is.Zero, r.Stderr);
        Assert.That(r.Stderr, Does.Contain("tokens/s"));
        var again = CliProcess.Run("run", "--model", _model, "--prompt", _reference.Prompts[1].Text, "--max-new-tokens", "8", "--temperature", "0.8", "--seed", "3");
        Assert.That(again.Stdout, Is.EqualTo(r.Stdout), "same seed, same text");
    }

    [Test]
    public void SixteenBitComputeRunsAndBadValuesAreUsageErrors()
    {
        var prompt = _reference.Prompts[0];
        var r = CliProcess.Run("run", "--model", _model, "--prompt", prompt.Text, "--max-new-tokens", "4", "--compute", "bf16", "--json");
        Assert.That(r.ExitCode, Is.Zero, r.Stderr);
        Assert.That(JsonDocument.Parse(r.Stdout).RootElement.GetProperty("tokens").GetArrayLength(), Is.EqualTo(4));
        var bad = CliProcess.Run("run", "--model", _model, "--prompt", "x", "--compute", "f8");
        Assert.That(bad.ExitCode, Is.EqualTo(ExitCodes.Usage));
    }

    [Test]
    public void ScoreJsonMatchesTheReferenceLogProbs()
    {
        var prompt = _reference.Prompts[2];
        var r = CliProcess.Run("score", "--model", _model, "--text", prompt.Text, "--json");
        Assert.That(r.ExitCode, Is.Zero, r.Stderr);
        using var doc = JsonDocument.Parse(r.Stdout);
        var tokens = doc.RootElement.GetProperty("tokens").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        var logprobs = doc.RootElement.GetProperty("logprobs").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        Assert.That(tokens, Is.EqualTo(prompt.Ids));
        Assert.That(logprobs, Has.Length.EqualTo(tokens.Length - 1));
        for (int i = 0; i < logprobs.Length; i++) Assert.That(logprobs[i], Is.EqualTo(prompt.LogProbs[i]).Within(1e-4));
        Assert.That(doc.RootElement.GetProperty("total").GetDouble(), Is.EqualTo(logprobs.Sum()).Within(1e-9));
    }

    [Test]
    public void ChatAnswersEachLineInMtLlamasFormat()
    {
        var psi = CliProcess.StartInfo("chat", "--model", _model, "--max-new-tokens", "6");
        using var p = Process.Start(psi)!;
        p.StandardInput.WriteLine("What is 2+2?");
        p.StandardInput.WriteLine("And 3+3?");
        p.StandardInput.Close();
        string stdout = p.StandardOutput.ReadToEnd();
        string stderr = p.StandardError.ReadToEnd();
        Assert.That(p.WaitForExit(CliProcess.HangGuard), Is.True, "chat hung after its input ended");
        Assert.That(p.ExitCode, Is.Zero, stderr);
        Assert.That(stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries), Has.Length.LessThanOrEqualTo(2), "one line per answer");
    }

    [Test]
    public void PromptLongerThanTheContextIsASpecificError()
    {
        string longPrompt = string.Concat(Enumerable.Repeat("the quick brown fox ", 200));
        var r = CliProcess.Run("run", "--model", _model, "--prompt", longPrompt, "--json");
        Assert.That(r.ExitCode, Is.EqualTo(ExitCodes.InvalidInput), r.Stderr);
        using var doc = JsonDocument.Parse(r.Stdout);
        Assert.That(doc.RootElement.GetProperty("error").GetProperty("kind").GetString(), Is.EqualTo("model.ContextTooLong"));
    }

    [Test]
    public void MergeSanityRunsTheFourTaskFormats()
    {
        var r = CliProcess.Run("merge", "--base", RepoPaths.Tiny("base-safetensors"), "--delta", RepoPaths.Tiny("delta-safetensors"),
            "--out", _temp.Sub("sanity"), "--sanity", "--json");
        Assert.That(r.ExitCode, Is.Zero, r.Stderr);
        using var doc = JsonDocument.Parse(r.Stdout);
        var sanity = doc.RootElement.GetProperty("sanity");
        Assert.That(sanity.EnumerateArray().Select(s => s.GetProperty("task").GetString()),
            Is.EqualTo(new[] { "extractive QA", "sentiment", "sentence completion", "NLI" }));
        Assert.That(sanity[2].GetProperty("prompt").GetString(), Does.StartWith("A chat between a curious human").And.Contain("### Human: The man broke his toe."));
    }
}
