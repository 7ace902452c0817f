using System.Text.Json;

namespace DeltaMerge.Tests.Shared;

/// <summary>scripts/references/reference_forward.py's PyTorch forward of the merged tiny model (tests/fixtures/reference/forward-*.json).</summary>
internal sealed class ReferenceForward
{
    public sealed record Prompt(string Name, string Text, int[] Ids, float[][] Logits, int[] GreedyIds, float[] LogProbs);

    public required IReadOnlyList<Prompt> Prompts { get; init; }

    /// <summary>Weights the reference zeroed (fp16 stress values that make every logit NaN): (tensor, row, column).</summary>
    public required IReadOnlyList<(string Tensor, int Row, int Column)> Zeroed { get; init; }

    public static ReferenceForward Load(string name)
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(RepoPaths.Fixtures, "reference", name)));
        var root = doc.RootElement;
        var zeroed = root.GetProperty("sanitized").GetProperty("zeroed").EnumerateArray()
            .Select(z => (z.GetProperty("tensor").GetString()!, z.GetProperty("index")[0].GetInt32(), z.GetProperty("index")[1].GetInt32())).ToList();
        var prompts = root.GetProperty("prompts").EnumerateArray().Select(p =>
        {
            int[] ids = Ints(p.GetProperty("ids"));
            int vocab = p.GetProperty("logits_shape")[1].GetInt32();
            byte[] raw = Convert.FromBase64String(p.GetProperty("logits_f32_b64").GetString()!);
            var logits = new float[ids.Length][];
            for (int t = 0; t < ids.Length; t++)
            {
                logits[t] = new float[vocab];
                Buffer.BlockCopy(raw, t * vocab * 4, logits[t], 0, vocab * 4);
            }
            float[] logprobs = p.GetProperty("logprobs").EnumerateArray().Select(e => e.GetSingle()).ToArray();
            return new Prompt(p.GetProperty("name").GetString()!, p.GetProperty("text").GetString()!, ids, logits, Ints(p.GetProperty("greedy_ids")), logprobs);
        }).ToList();
        return new ReferenceForward { Prompts = prompts, Zeroed = zeroed };
    }

    private static int[] Ints(JsonElement e) => e.EnumerateArray().Select(x => x.GetInt32()).ToArray();
}
