using DeltaMerge.Tests.Shared;

namespace DeltaMerge.Tokenization.Tests.Differential;

/// <summary>
/// Our ids against real SentencePiece's on generated strings (ties of equal-score pairs, whitespace and punctuation runs,
/// byte fallback, added tokens, prose), for every way a vocabulary is loaded: a Hugging Face directory, a Meta release
/// (tokenizer.model alone); <see cref="GgufDifferentialTests"/> checks the GGUF metadata our writer embeds.
/// </summary>
[TestFixtureSource(nameof(VocabularyNames))]
public sealed class DifferentialTests(string vocabulary)
{
    public static IEnumerable<string> VocabularyNames => DifferentialCorpus.Vocabularies.Keys;

    internal static readonly LlamaTokenizerOptions Plain = new() { AddedTokens = AddedTokenHandling.None };

    private string Directory => DifferentialCorpus.Vocabularies[vocabulary];

    [Test]
    public void DirectoryPlainIdsEqualSentencepiece() => CheckPlain(LlamaTokenizer.FromDirectory(Directory, Plain), "directory");

    [Test]
    public void DirectoryDefaultIdsEqualTransformers4_28WithAndWithoutBos()
    {
        var tok = LlamaTokenizer.FromDirectory(Directory);
        var mtLlama = LlamaTokenizer.FromDirectory(Directory, new LlamaTokenizerOptions { BosOverride = 2 });
        var differences = new Differences($"{vocabulary} directory, default mode, no BOS, BOS, BOS override");
        foreach (DifferentialCorpus.Entry e in DifferentialCorpus.Entries)
        {
            differences.Check(e, e.DefaultIds(vocabulary), tok.Encode(e.Text, addBos: false));
            differences.Check(e, e.DefaultIds(vocabulary).Prepend(1), tok.Encode(e.Text));
            differences.Check(e, e.DefaultIds(vocabulary).Prepend(2), mtLlama.Encode(e.Text));
        }
        differences.AssertNone();
    }

    [Test]
    public void MetaReleaseTokenizerModelAloneGivesSentencepieceIds()
    {
        using var temp = new TempDirectory();
        File.Copy(Path.Combine(Directory, LlamaTokenizer.ModelFileName), temp.Sub(LlamaTokenizer.ModelFileName));
        CheckPlain(LlamaTokenizer.FromDirectory(temp.Path), "Meta layout");
    }

    [Test]
    public void DecodeAndStreamingDecodeEqualSentencepiece()
    {
        var tok = LlamaTokenizer.FromDirectory(Directory);
        var differences = new Differences($"{vocabulary} decode and streaming");
        foreach (DifferentialCorpus.Entry e in DifferentialCorpus.Entries)
        {
            int[] ids = e.Ids[vocabulary];
            string expected = e.ExpectedDecode(vocabulary);
            differences.Check(e, expected, tok.Decode(ids));
            IncrementalDecoder decoder = tok.CreateDecoder();
            differences.Check(e, expected, string.Concat(ids.Select(decoder.Push)) + decoder.Flush());
        }
        differences.AssertNone();
    }

    private void CheckPlain(LlamaTokenizer tok, string source) =>
        Differences.CheckAll($"{vocabulary} {source}, plain sp.encode", tok, e => e.Ids[vocabulary]);
}
