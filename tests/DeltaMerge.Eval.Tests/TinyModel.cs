using System.Text.Json.Nodes;
using DeltaMerge.Runtime;
using DeltaMerge.Tests.Shared;
using DeltaMerge.Tokenization;

namespace DeltaMerge.Eval.Tests;

/// <summary>
/// The merged tiny model (tests/fixtures/tiny/expected/merge-f32 with the delta's config and tokenizer, fp16 stress
/// elements zeroed as scripts/references/reference_forward.py does), loadable by <see cref="ModelSession"/>.
/// </summary>
internal static class TinyModel
{
    private static readonly string[] TokenizerFiles = ["tokenizer.model", "tokenizer_config.json", "special_tokens_map.json", "added_tokens.json"];

    /// <summary>Context of the evaluation's tiny model (the fixtures' config says 256).</summary>
    public const int MaxPositions = 2048;

    public static string Build(TempDirectory temp)
    {
        string dir = temp.Sub("tiny-merged");
        Directory.CreateDirectory(dir);
        string delta = RepoPaths.Tiny("delta");
        File.Copy(Path.Combine(RepoPaths.Tiny("expected"), "merge-f32", "model.safetensors"), Path.Combine(dir, "model.safetensors"));
        foreach (string f in TokenizerFiles) File.Copy(Path.Combine(delta, f), Path.Combine(dir, f));
        var config = (JsonObject)JsonNode.Parse(File.ReadAllText(Path.Combine(delta, "config.json")))!;
        config["torch_dtype"] = "float32"; // keep the f32 weights f32 in memory
        // The wrapped prompts alone are ~300 tokens of the 384-piece vocabulary; rotary positions need no weights.
        config["max_position_embeddings"] = MaxPositions;
        File.WriteAllText(Path.Combine(dir, "config.json"), config.ToJsonString());
        return FixtureEdits.ZeroInFile(dir, ReferenceForward.Load("forward-f32.json").Zeroed);
    }

    public static LlamaTokenizer Tokenizer() => LlamaTokenizer.FromDirectory(RepoPaths.Tiny("delta"));
}
