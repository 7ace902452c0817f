using DeltaMerge.Formats;
using DeltaMerge.Formats.Gguf;
using DeltaMerge.Formats.IO;
using DeltaMerge.Formats.SentencePiece;
using DeltaMerge.Tests.Shared;

namespace DeltaMerge.Tokenization.Tests;

/// <summary>The GGUF path: the vocabulary LlamaVocabulary builds for GGUF output, written to a real GGUF file.</summary>
public sealed class GgufSourceTests
{
    private static IEnumerable<Corpus.Entry> Strings() => Corpus.Strings();
    private static IEnumerable<Corpus.DecodeCase> Cases() => Corpus.DecodeCases();

    private static readonly Lazy<LlamaTokenizer> FromGguf = new(() =>
    {
        using var temp = new TempDirectory();
        string path = WriteGguf(temp.Sub("vocab.gguf"), LlamaVocabulary.Load(Corpus.DeltaDir));
        var reader = new FileByteReader(path);
        try { return LlamaTokenizer.FromGguf(GgufReader.Open(reader)); }
        finally { (reader as IDisposable)?.Dispose(); }
    });

    internal static string WriteGguf(string path, LlamaVocabulary vocab, Action<GgufWriter>? extra = null)
    {
        using (var stream = File.Create(path))
        using (var writer = new GgufWriter(stream))
        {
            writer.AddString(GgufKeys.GeneralArchitecture, "llama");
            writer.AddString(GgufKeys.TokenizerModel, "llama");
            writer.AddStringArray(GgufKeys.TokenizerTokens, vocab.Tokens);
            writer.AddFloat32Array(GgufKeys.TokenizerScores, vocab.Scores.ToArray());
            writer.AddInt32Array(GgufKeys.TokenizerTokenType, vocab.TokenTypes.Select(t => (int)t).ToArray());
            if (vocab.BosId is int bos) writer.AddUInt32(GgufKeys.TokenizerBosTokenId, (uint)bos);
            if (vocab.EosId is int eos) writer.AddUInt32(GgufKeys.TokenizerEosTokenId, (uint)eos);
            if (vocab.AddBosToken is bool add) writer.AddBool(GgufKeys.TokenizerAddBosToken, add);
            extra?.Invoke(writer);
            writer.WriteHeaderAndInfos();
            writer.Complete();
        }
        return path;
    }

    [Test]
    public void SameFactsAsTheDirectory()
    {
        var g = FromGguf.Value;
        var d = Corpus.Tokenizer;
        Assert.That((g.BosId, g.EosId, g.UnknownId, g.AddBos, g.PieceCount, g.VocabularySize),
            Is.EqualTo((d.BosId, d.EosId, d.UnknownId, d.AddBos, d.PieceCount, d.VocabularySize)));
        Assert.That(g.AddedTokens, Is.EquivalentTo(d.AddedTokens));
    }

    [TestCaseSource(nameof(Strings))]
    public void EncodesAndDecodesLikeTheDirectory(Corpus.Entry entry)
    {
        var g = FromGguf.Value;
        Assert.That(g.Encode(entry.Text), Is.EqualTo(Corpus.Tokenizer.Encode(entry.Text)));
        Assert.That(g.Decode(entry.Ids), Is.EqualTo(entry.Decode));
        if (entry.Variants == null) Assert.That(g.Encode(entry.Text, addBos: false), Is.EqualTo(entry.Ids));
        else Assert.That(g.Encode(entry.Text, addBos: false),
            Is.EqualTo(Corpus.Ints(entry.Variants.Value.GetProperty("hf_legacy_v4_28").GetProperty("ids"))));
    }

    [TestCaseSource(nameof(Cases))]
    public void DecodeCases(Corpus.DecodeCase c) => Assert.That(FromGguf.Value.Decode(c.Ids), Is.EqualTo(c.Decode));

    [Test]
    public void MismatchedArraysAreAFormatError()
    {
        var e = Assert.Throws<CheckpointFormatException>(() => LlamaTokenizer.FromGgufVocabulary(
            ["<unk>", "<s>"], [0f], [SentencePieceTokenType.Unknown, SentencePieceTokenType.Control], null, null, null, null, null, "x", null));
        Assert.That(e!.Kind, Is.EqualTo(FormatErrorKind.TokenizerFileInvalid));
    }

    [Test]
    public void MissingTokensKeyIsAMissingKeyError()
    {
        using var temp = new TempDirectory();
        string path = temp.Sub("empty.gguf");
        using (var stream = File.Create(path))
        using (var writer = new GgufWriter(stream))
        {
            writer.AddString(GgufKeys.TokenizerModel, "llama");
            writer.WriteHeaderAndInfos();
            writer.Complete();
        }
        var reader = new FileByteReader(path);
        try
        {
            var e = Assert.Throws<CheckpointFormatException>(() => LlamaTokenizer.FromGguf(GgufReader.Open(reader)));
            Assert.That(e!.Kind, Is.EqualTo(FormatErrorKind.GgufMissingKey));
        }
        finally { (reader as IDisposable)?.Dispose(); }
    }
}
