using System.Text.Json;
using DeltaMerge.Demo;
using DeltaMerge.Tests.Shared;

namespace DeltaMerge.Cli.Tests;

/// <summary><c>demo --json</c> as a newcomer or a script runs it: the documented JSON alone on stdout, the merge proven.</summary>
public sealed class DemoCliTests
{
    [Test]
    public void DemoJsonPrintsPromptsAnswersAndTheComparison()
    {
        using var temp = new TempDirectory();
        var r = CliProcess.Run("demo", "--json", "--dir", temp.Sub("demo"));
        Assert.That(r.ExitCode, Is.Zero, r.Stderr);
        using var doc = JsonDocument.Parse(r.Stdout);  // stdout holds the JSON and nothing else
        var root = doc.RootElement;
        var prompts = root.GetProperty("prompts").EnumerateArray().ToList();
        Assert.That(prompts.Select(p => p.GetProperty("prompt").GetString()), Is.EqualTo(DemoPrompts.All.Select(p => p.Case.Prompt)));
        Assert.That(prompts.Select(p => p.GetProperty("expected").GetString()), Is.EqualTo(DemoPrompts.All.Select(p => p.Expected)));
        Assert.That(prompts.Select(p => p.GetProperty("merged").GetString()), Is.EqualTo(DemoPrompts.All.Select(p => p.Expected)));
        foreach (var p in prompts) Assert.That(p.GetProperty("base").GetString(), Is.Not.EqualTo(p.GetProperty("expected").GetString()));
        var comparison = TensorComparison.Compare(temp.Sub("demo/merged"), temp.Sub("demo/finetuned"), temp.Sub("demo/base"));
        Assert.That(root.GetProperty("differing_elements").GetInt64(), Is.EqualTo(comparison.DifferingElements).And.GreaterThan(0));
        Assert.That(root.GetProperty("max_abs_diff_vs_finetuned").GetDouble(), Is.EqualTo(comparison.MaxAbsDiff).And.GreaterThan(0));
        Assert.That(root.GetProperty("proven").GetBoolean(), Is.True);
    }
}
