using System.Text.Json;
using DeltaMerge.Tests.Shared;

namespace DeltaMerge.Tokenization.Tests;

/// <summary>tests/fixtures/reference/tokenize.json (SentencePiece 0.1.97 on tiny/delta/tokenizer.model).</summary>
public static class Corpus
{
    public sealed record Entry(string Text, int[] Ids, string Decode, JsonElement? Variants)
    {
        public override string ToString() => JsonSerializer.Serialize(Text);
    }

    public sealed record DecodeCase(string Label, int[] Ids, string Decode)
    {
        public override string ToString() => Label;
    }

    public static string DeltaDir => RepoPaths.Tiny("delta");

    private static readonly JsonDocument Doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Fixtures, "reference", "tokenize.json")));

    public static IEnumerable<Entry> Strings() =>
        Doc.RootElement.GetProperty("strings").EnumerateArray().Select(s => new Entry(
            s.GetProperty("text").GetString()!, Ints(s.GetProperty("ids")), s.GetProperty("decode").GetString()!,
            s.TryGetProperty("added_token_variants", out JsonElement v) ? v.Clone() : null)).ToList();

    public static IEnumerable<Entry> WithVariants() => Strings().Where(e => e.Variants != null);

    public static IEnumerable<DecodeCase> DecodeCases() =>
        Doc.RootElement.GetProperty("decode_cases").EnumerateArray().Select(s => new DecodeCase(
            s.GetProperty("label").GetString()!, Ints(s.GetProperty("ids")), s.GetProperty("decode").GetString()!)).ToList();

    public static int[] Ints(JsonElement array) => array.EnumerateArray().Select(e => e.GetInt32()).ToArray();

    private static readonly Lazy<LlamaTokenizer> Default = new(() => LlamaTokenizer.FromDirectory(DeltaDir));
    public static LlamaTokenizer Tokenizer => Default.Value;
}
