using System.Text.Json.Serialization;
using DeltaMerge.Formats;
using DeltaMerge.Formats.Gguf;
using DeltaMerge.Formats.Safetensors;
using Parquet.Serialization;

namespace DeltaMerge.Fuzz;

/// <summary>
/// Writes the binary seeds with the project's own writers: a few hundred bytes to a few KB each, where the test
/// fixtures' weight files are 300 KB (AFL++ mutates small inputs far faster). Text seeds are copies of fixtures.
/// </summary>
internal static class SeedWriter
{
    /// <summary>Writes TARGET/NAME files under <paramref name="root"/>.</summary>
    public static void WriteAll(string root)
    {
        Write(root, "safetensors", "two-tensors.safetensors", Safetensors());
        Write(root, "gguf", "tiny-llama.gguf", TinyLlamaGguf());
        Write(root, "eval-parquet", "copa.parquet", Parquet(new[] { new CopaRow("The man broke his toe.", "He dropped a hammer.", "He got a hole in his sock.", "cause", 0) }));
        Write(root, "eval-parquet", "squad.parquet", Parquet(new[]
        {
            new SquadRow("q1", "T", "Paris is in France.", "Where is Paris?", new Answers(["France"], [12])),
        }));
    }

    private static void Write(string root, string target, string name, byte[] bytes)
    {
        Directory.CreateDirectory(Path.Combine(root, target));
        File.WriteAllBytes(Path.Combine(root, target, name), bytes);
    }

    private static byte[] Safetensors()
    {
        using var buffer = new MemoryStream();
        SafetensorsTensorSpec[] specs = [new("a", DType.F16, [2, 3]), new("b", DType.F32, [4])];
        using (var writer = new SafetensorsWriter(buffer, specs, new Dictionary<string, string> { ["format"] = "pt" }, leaveOpen: true))
        {
            writer.WriteTensor("a", new byte[12]);
            writer.WriteTensor("b", new byte[16]);
            writer.Complete();
        }
        return buffer.ToArray();
    }

    /// <summary>A one-layer LLaMA (hidden 8, 2 heads, FFN 16, 8 tokens) as convert_hf_to_gguf.py lays it out, all F32 zeros.</summary>
    private static byte[] TinyLlamaGguf()
    {
        const int hidden = 8, ffn = 16;
        string[] tokens = ["<unk>", "<s>", "</s>", "<0x0A>", "\u2581a", "\u2581b", "a", "b"];
        int[] types = [2, 3, 3, 6, 1, 1, 1, 1];
        using var buffer = new MemoryStream();
        using (var w = new GgufWriter(buffer, leaveOpen: true))
        {
            string K(string key) => GgufKeys.ForArch(key, "llama");
            w.AddString(GgufKeys.GeneralArchitecture, "llama");
            w.AddUInt32(K(GgufKeys.ContextLength), 64);
            w.AddUInt32(K(GgufKeys.EmbeddingLength), hidden);
            w.AddUInt32(K(GgufKeys.BlockCount), 1);
            w.AddUInt32(K(GgufKeys.FeedForwardLength), ffn);
            w.AddUInt32(K(GgufKeys.AttentionHeadCount), 2);
            w.AddUInt32(K(GgufKeys.AttentionHeadCountKv), 2);
            w.AddFloat32(K(GgufKeys.AttentionLayerNormRmsEpsilon), 1e-6f);
            w.AddString(GgufKeys.TokenizerModel, "llama");
            w.AddStringArray(GgufKeys.TokenizerTokens, tokens);
            w.AddFloat32Array(GgufKeys.TokenizerScores, new float[tokens.Length]);
            w.AddInt32Array(GgufKeys.TokenizerTokenType, types);
            w.AddUInt32(GgufKeys.TokenizerBosTokenId, 1);
            w.AddUInt32(GgufKeys.TokenizerEosTokenId, 2);
            var shapes = new List<(string Name, long[] Shape)>
            {
                ("token_embd.weight", [hidden, tokens.Length]),
                ("blk.0.attn_norm.weight", [hidden]),
                ("blk.0.attn_q.weight", [hidden, hidden]),
                ("blk.0.attn_k.weight", [hidden, hidden]),
                ("blk.0.attn_v.weight", [hidden, hidden]),
                ("blk.0.attn_output.weight", [hidden, hidden]),
                ("blk.0.ffn_norm.weight", [hidden]),
                ("blk.0.ffn_gate.weight", [hidden, ffn]),
                ("blk.0.ffn_up.weight", [hidden, ffn]),
                ("blk.0.ffn_down.weight", [ffn, hidden]),
                ("output_norm.weight", [hidden]),
                ("output.weight", [hidden, tokens.Length]),
            };
            foreach (var (name, shape) in shapes) w.AddTensorInfo(name, GgmlType.F32, shape);
            w.WriteHeaderAndInfos();
            foreach (var (name, shape) in shapes) w.WriteTensor(name, new byte[4 * shape.Aggregate(1L, (a, b) => a * b)]);
            w.Complete();
        }
        return buffer.ToArray();
    }

    private static byte[] Parquet<T>(IEnumerable<T> rows)
    {
        using var buffer = new MemoryStream();
        ParquetSerializer.SerializeAsync(rows, buffer).GetAwaiter().GetResult();
        return buffer.ToArray();
    }

    /// <summary>A COPA row as Hugging Face datasets writes it.</summary>
    private sealed record CopaRow(
        [property: JsonPropertyName("premise")] string Premise,
        [property: JsonPropertyName("choice1")] string Choice1,
        [property: JsonPropertyName("choice2")] string Choice2,
        [property: JsonPropertyName("question")] string Question,
        [property: JsonPropertyName("label")] long Label);

    /// <summary>SQuAD's answers struct of lists.</summary>
    private sealed record Answers(
        [property: JsonPropertyName("text")] List<string> Text,
        [property: JsonPropertyName("answer_start")] List<int> AnswerStart);

    /// <summary>A SQuAD row.</summary>
    private sealed record SquadRow(
        [property: JsonPropertyName("id")] string Id,
        [property: JsonPropertyName("title")] string Title,
        [property: JsonPropertyName("context")] string Context,
        [property: JsonPropertyName("question")] string Question,
        [property: JsonPropertyName("answers")] Answers Answers);
}
