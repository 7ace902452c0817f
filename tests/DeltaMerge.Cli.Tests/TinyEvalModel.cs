using System.Text.Json.Nodes;
using DeltaMerge.Tests.Shared;

namespace DeltaMerge.Cli.Tests;

/// <summary>The tiny model the eval CLI tests run: base + delta fixtures merged by the CLI (f32), with room for the wrapped prompts.</summary>
internal static class TinyEvalModel
{
    /// <summary>Merges the tiny model into <paramref name="temp"/>/merged and returns its directory.</summary>
    public static string Merge(TempDirectory temp)
    {
        var (baseDir, deltaDir) = FixtureEdits.SanitizedTinyInputs(temp);
        string model = temp.Sub("merged");
        var r = CliProcess.Run("merge", "--base", baseDir, "--delta", deltaDir, "--out", model, "--dtype", "f32", "--quiet");
        Assert.That(r.ExitCode, Is.Zero, r.Stderr);
        // The wrapped prompts alone are ~300 tokens of the tiny 384-piece vocabulary; rotary positions need no weights.
        string config = Path.Combine(model, "config.json");
        var json = JsonNode.Parse(File.ReadAllText(config))!.AsObject();
        json["max_position_embeddings"] = 2048;
        File.WriteAllText(config, json.ToJsonString());
        return model;
    }

    /// <summary>A fixture data file of tests/fixtures/eval.</summary>
    public static string Data(string name) => Path.Combine(RepoPaths.Fixtures, "eval", name);
}
