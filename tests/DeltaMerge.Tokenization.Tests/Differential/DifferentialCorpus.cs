using System.Text.Json;
using DeltaMerge.Tests.Shared;

namespace DeltaMerge.Tokenization.Tests.Differential;

/// <summary>
/// Strings with real SentencePiece's ids (scripts/references/tokenizer_diff.py): the committed subset
/// tests/fixtures/sentencepiece/diff/strings.jsonl, or the file named by <c>DELTAMERGE_TOKENIZER_DIFF</c>
/// (scripts/references/tokenizer-diff sets it for the full 100k+ run).
/// </summary>
public static class DifferentialCorpus
{
    /// <summary>The environment variable naming a generated JSON Lines file to check instead of the committed subset.</summary>
    public const string FileVariable = "DELTAMERGE_TOKENIZER_DIFF";

    /// <summary>One string: its ids per vocabulary (<c>sp.encode</c>), transformers 4.28's ids where added tokens occur, and <c>sp.decode</c>.</summary>
    public sealed record Entry(string Category, string Text, IReadOnlyDictionary<string, int[]> Ids,
        IReadOnlyDictionary<string, int[]>? Hf, IReadOnlyDictionary<string, string>? Decode)
    {
        /// <summary><c>sp.decode</c> of the vocabulary's ids: stored where it differs from the text with U+2581 as a space.</summary>
        public string ExpectedDecode(string vocabulary) =>
            Decode != null && Decode.TryGetValue(vocabulary, out string? d) ? d : Text.Replace('\u2581', ' ');

        /// <summary>What the default mode (transformers 4.28) gives: <see cref="Hf"/> where present, else the plain ids.</summary>
        public int[] DefaultIds(string vocabulary) => Hf != null && Hf.TryGetValue(vocabulary, out int[]? h) ? h : Ids[vocabulary];
    }

    /// <summary>The fixture vocabularies by the names the generator uses, as Hugging Face directories.</summary>
    public static IReadOnlyDictionary<string, string> Vocabularies { get; } = new Dictionary<string, string>
    {
        ["tiny"] = RepoPaths.Tiny("delta"),
        ["bpe8k"] = Path.Combine(RepoPaths.Fixtures, "sentencepiece", "bpe-8k"),
        ["odd"] = Path.Combine(RepoPaths.Fixtures, "sentencepiece", "bpe-odd"),
    };

    /// <summary>
    /// The vocabularies whose GGUF form is checked: the LLaMA-like ones. Not <c>odd</c>: GGUF has no type for a model's
    /// own user-defined pieces (our writer, like llama.cpp's converter, writes them as normal pieces, so SentencePiece's
    /// ids on the original model are not what the file describes), and llama.cpp aborts on a vocabulary without byte
    /// pieces (<c>std::out_of_range</c> looking up the newline byte).
    /// </summary>
    public static IEnumerable<string> GgufVocabularyNames => ["tiny", "bpe8k"];

    /// <summary>The file checked: <see cref="FileVariable"/> when set, else the committed subset.</summary>
    public static string FilePath =>
        Environment.GetEnvironmentVariable(FileVariable) is { Length: > 0 } path ? path
            : Path.Combine(RepoPaths.Fixtures, "sentencepiece", "diff", "strings.jsonl");

    private static readonly Lazy<IReadOnlyList<Entry>> Loaded = new(() => File.ReadLines(FilePath).Select(Parse).ToList());

    /// <summary>Every entry of <see cref="FilePath"/>.</summary>
    public static IReadOnlyList<Entry> Entries => Loaded.Value;

    private static Entry Parse(string line)
    {
        using var doc = JsonDocument.Parse(line);
        JsonElement root = doc.RootElement;
        static Dictionary<string, int[]> IdsOf(JsonElement e) =>
            e.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.EnumerateArray().Select(v => v.GetInt32()).ToArray());
        return new Entry(root.GetProperty("category").GetString()!, root.GetProperty("text").GetString()!,
            IdsOf(root.GetProperty("ids")),
            root.TryGetProperty("hf", out JsonElement hf) ? IdsOf(hf) : null,
            root.TryGetProperty("decode", out JsonElement d) ? d.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!) : null);
    }
}
