using DeltaMerge.Formats;
using DeltaMerge.Formats.SentencePiece;
using DeltaMerge.Tests.Shared;

namespace DeltaMerge.Tokenization.Tests;

/// <summary>The merge loop's rules on named cases (the differential tests cover them at scale).</summary>
public sealed class SegmentationTests
{
    private static readonly Lazy<LlamaTokenizer> Bpe8k = new(() => LlamaTokenizer.FromDirectory(
        Path.Combine(RepoPaths.Fixtures, "sentencepiece", "bpe-8k"), new LlamaTokenizerOptions { AddedTokens = AddedTokenHandling.None }));

    // SentencePiece 0.1.97's pieces with tests/fixtures/sentencepiece/bpe-8k.
    [TestCase("aaaa", new[] { "▁a", "aa", "a" })]                       // equal-score pairs: the leftmost merges first
    [TestCase("        x", new[] { "▁▁▁▁▁▁▁▁", "▁x" })]                 // a whitespace run
    [TestCase("----------------", new[] { "▁", "----------------" })]
    [TestCase("  gnulib-tests/sleep.c", new[] { "▁▁", "▁gnulib", "-", "tests", "/", "s", "le", "ep", ".", "c" })]
    public void EqualScoreTiesMergeLeftmostFirst(string text, string[] pieces)
    {
        var tok = Bpe8k.Value;
        Assert.That(tok.Encode(text, addBos: false).Select(tok.IdToToken), Is.EqualTo(pieces));
    }

    [Test]
    public void DuplicatePieceIsRefusedAsSentencepieceDoes()
    {
        var e = Assert.Throws<CheckpointFormatException>(() => LlamaTokenizer.FromGgufVocabulary(
            ["<unk>", "a", "a"], [0f, -1f, -2f], [SentencePieceTokenType.Unknown, SentencePieceTokenType.Normal, SentencePieceTokenType.Normal],
            null, null, null, null, null, "x", null));
        Assert.That(e!.Kind, Is.EqualTo(FormatErrorKind.SentencePieceInvalid));
    }

    [Test]
    public void ModelWithoutUnknownPieceIsRefusedAsSentencepieceDoes()
    {
        var e = Assert.Throws<CheckpointFormatException>(() => LlamaTokenizer.FromGgufVocabulary(
            ["a", "b"], [0f, -1f], [SentencePieceTokenType.Normal, SentencePieceTokenType.Normal], null, null, null, null, null, "x", null));
        Assert.That(e!.Kind, Is.EqualTo(FormatErrorKind.SentencePieceInvalid));
    }

    [Test]
    public void WithoutByteFallbackARunOfUnknownCharactersIsOneUnknownId()
    {
        var tok = LlamaTokenizer.FromGgufVocabulary(["<unk>", "\u2581", "a"], [0f, -1f, -2f],
            [SentencePieceTokenType.Unknown, SentencePieceTokenType.Normal, SentencePieceTokenType.Normal], null, null, null, false, null, "x",
            new LlamaTokenizerOptions { AddedTokens = AddedTokenHandling.None });
        Assert.That(tok.Encode("a\u00e9\u00e9\u00e9a\u00e9"), Is.EqualTo(new[] { 1, 2, 0, 2, 0 }));
    }
}
