using DeltaMerge.Formats.Gguf;

namespace DeltaMerge.Tests.Shared;

/// <summary>
/// A one-layer LLaMA GGUF (hidden 8, 2 heads, FFN 16, 8 tokens with a byte token) laid out as convert_hf_to_gguf.py
/// writes it, all F32 zeros, a few KB: the fuzz seed, and the base of hostile-header tests, which change what the
/// header claims. Linked only into the projects that use it (see their .csproj).
/// </summary>
internal static class TinyLlamaGguf
{
    public const int Hidden = 8, Ffn = 16, Tokens = 8;

    /// <param name="blockCount">What <c>llama.block_count</c> claims (one layer is written whatever it says).</param>
    /// <param name="vocabSize">A <c>llama.vocab_size</c> key to write (the embedding then has that many rows), or none.</param>
    /// <param name="outputHead">Whether to write <c>output.weight</c>; without it the head is tied to the embeddings.</param>
    public static byte[] Build(uint blockCount = 1, uint? vocabSize = null, bool outputHead = true)
    {
        string[] tokens = ["<unk>", "<s>", "</s>", "<0x0A>", "\u2581a", "\u2581b", "a", "b"];
        int[] types = [2, 3, 3, 6, 1, 1, 1, 1];
        long rows = vocabSize ?? Tokens;
        using var buffer = new MemoryStream();
        using (var w = new GgufWriter(buffer, leaveOpen: true))
        {
            static string K(string key) => GgufKeys.ForArch(key, "llama");
            w.AddString(GgufKeys.GeneralArchitecture, "llama");
            w.AddUInt32(K(GgufKeys.ContextLength), 64);
            w.AddUInt32(K(GgufKeys.EmbeddingLength), Hidden);
            w.AddUInt32(K(GgufKeys.BlockCount), blockCount);
            w.AddUInt32(K(GgufKeys.FeedForwardLength), Ffn);
            w.AddUInt32(K(GgufKeys.AttentionHeadCount), 2);
            w.AddUInt32(K(GgufKeys.AttentionHeadCountKv), 2);
            w.AddFloat32(K(GgufKeys.AttentionLayerNormRmsEpsilon), 1e-6f);
            if (vocabSize is { } v) w.AddUInt32(K(GgufKeys.VocabSize), v);
            w.AddString(GgufKeys.TokenizerModel, "llama");
            w.AddStringArray(GgufKeys.TokenizerTokens, tokens);
            w.AddFloat32Array(GgufKeys.TokenizerScores, new float[tokens.Length]);
            w.AddInt32Array(GgufKeys.TokenizerTokenType, types);
            w.AddUInt32(GgufKeys.TokenizerBosTokenId, 1);
            w.AddUInt32(GgufKeys.TokenizerEosTokenId, 2);
            var shapes = new List<(string Name, long[] Shape)>
            {
                ("token_embd.weight", [rows, Hidden]),
                ("blk.0.attn_norm.weight", [Hidden]),
                ("blk.0.attn_q.weight", [Hidden, Hidden]),
                ("blk.0.attn_k.weight", [Hidden, Hidden]),
                ("blk.0.attn_v.weight", [Hidden, Hidden]),
                ("blk.0.attn_output.weight", [Hidden, Hidden]),
                ("blk.0.ffn_norm.weight", [Hidden]),
                ("blk.0.ffn_gate.weight", [Ffn, Hidden]),
                ("blk.0.ffn_up.weight", [Ffn, Hidden]),
                ("blk.0.ffn_down.weight", [Hidden, Ffn]),
                ("output_norm.weight", [Hidden]),
                ("output.weight", [rows, Hidden]),
            };
            if (!outputHead) shapes.RemoveAt(shapes.Count - 1);
            // Shapes in PyTorch order ([out, in]); the writer stores them reversed, as GGUF's ne[] does.
            foreach (var (name, shape) in shapes) w.AddTensorInfo(name, GgmlType.F32, shape);
            w.WriteHeaderAndInfos();
            foreach (var (name, shape) in shapes) w.WriteTensor(name, new byte[4 * shape.Aggregate(1L, (a, b) => a * b)]);
            w.Complete();
        }
        return buffer.ToArray();
    }
}
