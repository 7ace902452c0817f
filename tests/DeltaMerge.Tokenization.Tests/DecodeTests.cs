namespace DeltaMerge.Tokenization.Tests;

public sealed class DecodeTests
{
    private static IEnumerable<Corpus.Entry> Strings() => Corpus.Strings();
    private static IEnumerable<Corpus.DecodeCase> Cases() => Corpus.DecodeCases();

    [TestCaseSource(nameof(Strings))]
    public void DecodeEqualsSentencepieceAndRoundTrips(Corpus.Entry entry)
    {
        Assert.That(Corpus.Tokenizer.Decode(entry.Ids), Is.EqualTo(entry.Decode));
        // sp.encode round trips every corpus string; the default (HF 4.28) mode turns "<unk>" typed as text into id 0.
        var plain = LlamaTokenizer.FromDirectory(Corpus.DeltaDir, new LlamaTokenizerOptions { AddedTokens = AddedTokenHandling.None });
        Assert.That(plain.Decode(plain.Encode(entry.Text)), Is.EqualTo(entry.Text));
        if (entry.Variants == null) Assert.That(Corpus.Tokenizer.Decode(Corpus.Tokenizer.Encode(entry.Text)), Is.EqualTo(entry.Text));
    }

    [TestCaseSource(nameof(Cases))]
    public void DecodeCasesEqualSentencepiece(Corpus.DecodeCase c) =>
        Assert.That(Corpus.Tokenizer.Decode(c.Ids), Is.EqualTo(c.Decode));

    [TestCaseSource(nameof(Strings))]
    public void StreamingDeltasConcatenateToDecodeAndNeverSplitACharacter(Corpus.Entry entry) =>
        CheckStreaming(entry.Ids, entry.Decode);

    [TestCaseSource(nameof(Cases))]
    public void StreamingDecodeCases(Corpus.DecodeCase c) => CheckStreaming(c.Ids, c.Decode);

    private static void CheckStreaming(int[] ids, string expected)
    {
        var decoder = Corpus.Tokenizer.CreateDecoder();
        var deltas = ids.Select(decoder.Push).ToList();
        deltas.Add(decoder.Flush());
        Assert.That(string.Concat(deltas), Is.EqualTo(expected));
        foreach (string delta in deltas)
        {
            Assert.That(delta.Length == 0 || !char.IsHighSurrogate(delta[^1]), "a delta ends inside a surrogate pair");
            Assert.That(delta.Length == 0 || !char.IsLowSurrogate(delta[0]), "a delta starts inside a surrogate pair");
        }
    }

    [Test]
    public void BytesAreHeldUntilTheCharacterIsComplete()
    {
        var decoder = Corpus.Tokenizer.CreateDecoder();
        Assert.That(decoder.Push(293), Is.EqualTo(""));   // leading ▁ dropped
        Assert.That(decoder.Push(243), Is.EqualTo(""));   // <0xF0>
        Assert.That(decoder.HasPendingBytes, Is.True);
        Assert.That(decoder.Push(162), Is.EqualTo(""));
        Assert.That(decoder.Push(155), Is.EqualTo(""));
        Assert.That(decoder.Push(131), Is.EqualTo("😀"));
        Assert.That(decoder.HasPendingBytes, Is.False);
        Assert.That(decoder.Push(293), Is.EqualTo(" "));
    }

    [Test]
    public void AByteThatCannotStartACharacterIsReleasedAtOnce()
    {
        var decoder = Corpus.Tokenizer.CreateDecoder();
        Assert.That(decoder.Push(155), Is.EqualTo("\uFFFD")); // lone continuation <0x98>
        Assert.That(decoder.Push(243), Is.EqualTo(""));        // <0xF0> waits
        Assert.That(decoder.Push(68), Is.EqualTo("\uFFFDA"));  // <0x41> breaks it: one U+FFFD, then A
    }

    [Test]
    public void TruncatedCharacterBeforeAPieceGivesOneReplacementPerByte()
    {
        // 😀 without its last byte, then "hi": SentencePiece writes three U+FFFD.
        Assert.That(Corpus.Tokenizer.Decode([293, 243, 162, 155, 304, 298]), Is.EqualTo("\uFFFD\uFFFD\uFFFDhi"));
    }

    [Test]
    public void MtLlamaSkipSet()
    {
        var skip = new HashSet<int> { 2, 384 };
        // </s> prompt start, <s>, text, [PAD], <unk>: only </s> and [PAD] are skipped; <s> is empty, <unk> is " ⁇ ".
        int[] ids = [2, 1, 293, 261, 285, 299, 384, 0];
        Assert.That(Corpus.Tokenizer.Decode(ids, skip), Is.EqualTo("hello \u2047 "));
        Assert.That(Corpus.Tokenizer.Decode(ids), Is.EqualTo("hello[PAD] \u2047 "));
    }

    [Test]
    public void SkippedIdsAreRemovedBeforeTheLeadingSpaceRule()
    {
        Assert.That(Corpus.Tokenizer.Decode([384, 293, 304, 298], new HashSet<int> { 384 }), Is.EqualTo("hi"));
    }

    [Test]
    public void OutOfRangeIdIsAnArgumentError()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Corpus.Tokenizer.Decode([385]));
        Assert.Throws<ArgumentOutOfRangeException>(() => Corpus.Tokenizer.Decode([-1]));
    }
}
