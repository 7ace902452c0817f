using DeltaMerge.Formats;

namespace DeltaMerge.Tokenization.Tests;

public sealed class EncodeTests
{
    private static IEnumerable<Corpus.Entry> Strings() => Corpus.Strings();
    private static IEnumerable<Corpus.Entry> Variants() => Corpus.WithVariants();
    private static IEnumerable<Corpus.Entry> WithoutVariants() => Corpus.Strings().Where(e => e.Variants == null);

    [TestCaseSource(nameof(Strings))]
    public void PlainEncodingEqualsSentencepiece(Corpus.Entry entry)
    {
        var tok = LlamaTokenizer.FromDirectory(Corpus.DeltaDir, new LlamaTokenizerOptions { AddedTokens = AddedTokenHandling.None });
        Assert.That(tok.Encode(entry.Text, addBos: false), Is.EqualTo(entry.Ids));
    }

    [TestCaseSource(nameof(WithoutVariants))]
    public void DefaultEncodingEqualsSentencepieceWhereNoAddedTokenOccurs(Corpus.Entry entry)
    {
        Assert.That(Corpus.Tokenizer.Encode(entry.Text, addBos: false), Is.EqualTo(entry.Ids));
        Assert.That(Corpus.Tokenizer.Encode(entry.Text), Is.EqualTo(new[] { 1 }.Concat(entry.Ids)));
    }

    [TestCaseSource(nameof(Variants))]
    public void DefaultMatchesHfLegacyV4_28(Corpus.Entry entry) => CheckVariant(entry, "hf_legacy_v4_28", AddedTokenHandling.HfLegacyV428);

    [TestCaseSource(nameof(Variants))]
    public void SplitPadDummyPrefix(Corpus.Entry entry) => CheckVariant(entry, "split_pad_dummy_prefix", AddedTokenHandling.AddedTokensDummyPrefixEach);

    [TestCaseSource(nameof(Variants))]
    public void SplitPadNoDummyPrefix(Corpus.Entry entry) => CheckVariant(entry, "split_pad_no_dummy_prefix", AddedTokenHandling.AddedTokensNoDummyPrefix);

    private static void CheckVariant(Corpus.Entry entry, string name, AddedTokenHandling handling)
    {
        var variant = entry.Variants!.Value.GetProperty(name);
        var tok = LlamaTokenizer.FromDirectory(Corpus.DeltaDir, new LlamaTokenizerOptions { AddedTokens = handling });
        Assert.That(tok.Encode(entry.Text, addBos: false), Is.EqualTo(Corpus.Ints(variant.GetProperty("ids"))));
        Assert.That(tok.Encode(entry.Text), Is.EqualTo(Corpus.Ints(variant.GetProperty("with_bos"))));
    }

    [Test]
    public void ReadsIdsAndFlagsFromTheFiles()
    {
        var tok = Corpus.Tokenizer;
        Assert.That((tok.BosId, tok.EosId, tok.UnknownId, tok.AddBos, tok.PieceCount, tok.VocabularySize), Is.EqualTo((1, 2, 0, true, 384, 385)));
        Assert.That(tok.AddedTokens, Is.EquivalentTo(new Dictionary<string, int> { ["[PAD]"] = 384 }));
        Assert.That(tok.IdToToken(384), Is.EqualTo("[PAD]"));
        Assert.That(tok.IdToToken(13), Is.EqualTo("<0x0A>"));
    }

    [Test]
    public void BosOptions()
    {
        int[] hello = [293, 261, 285, 299];
        var mt = LlamaTokenizer.FromDirectory(Corpus.DeltaDir, new LlamaTokenizerOptions { BosOverride = 2 });
        Assert.That(mt.Encode("hello"), Is.EqualTo(new[] { 2 }.Concat(hello)));
        Assert.That(mt.PrependedBosId, Is.EqualTo(2));
        var noBos = LlamaTokenizer.FromDirectory(Corpus.DeltaDir, new LlamaTokenizerOptions { AddBos = false });
        Assert.That(noBos.Encode("hello"), Is.EqualTo(hello));
        Assert.That(noBos.Encode("hello", addBos: true), Is.EqualTo(new[] { 1 }.Concat(hello)));
        Assert.That(Corpus.Tokenizer.Encode(""), Is.EqualTo(new[] { 1 }));
    }

    [Test]
    public void AddBosTokenFalseInTokenizerConfigIsHonoured()
    {
        using var temp = new DeltaMerge.Tests.Shared.TempDirectory();
        string dir = temp.CopyOf(Corpus.DeltaDir);
        string config = Path.Combine(dir, "tokenizer_config.json");
        File.WriteAllText(config, File.ReadAllText(config).Replace("\"add_bos_token\": true", "\"add_bos_token\": false", StringComparison.Ordinal));
        var tok = LlamaTokenizer.FromDirectory(dir);
        Assert.That(tok.AddBos, Is.False);
        Assert.That(tok.Encode("hello"), Is.EqualTo(new[] { 293, 261, 285, 299 }));
    }

    [Test]
    public void MissingModelFileIsAFileNotFound()
    {
        using var temp = new DeltaMerge.Tests.Shared.TempDirectory();
        var e = Assert.Throws<FileNotFoundException>(() => LlamaTokenizer.FromDirectory(temp.Path));
        Assert.That(e!.FileName, Does.EndWith("tokenizer.model"));
    }

    [Test]
    public void CorruptModelFileIsAFormatError()
    {
        using var temp = new DeltaMerge.Tests.Shared.TempDirectory();
        string dir = temp.CopyOf(Corpus.DeltaDir);
        byte[] bytes = File.ReadAllBytes(Path.Combine(dir, "tokenizer.model"));
        File.WriteAllBytes(Path.Combine(dir, "tokenizer.model"), bytes[..(bytes.Length / 2)]);
        var e = Assert.Throws<CheckpointFormatException>(() => LlamaTokenizer.FromDirectory(dir));
        Assert.That(e!.Kind, Is.EqualTo(FormatErrorKind.SentencePieceInvalid));
    }

    [Test]
    public void EmptyModelFileIsAFormatError()
    {
        using var temp = new DeltaMerge.Tests.Shared.TempDirectory();
        string dir = temp.CopyOf(Corpus.DeltaDir);
        File.WriteAllBytes(Path.Combine(dir, "tokenizer.model"), []);
        var e = Assert.Throws<CheckpointFormatException>(() => LlamaTokenizer.FromDirectory(dir));
        Assert.That(e!.Kind, Is.EqualTo(FormatErrorKind.SentencePieceNoPieces));
    }

    [Test]
    public void BadAddedTokensJsonIsAFormatError()
    {
        using var temp = new DeltaMerge.Tests.Shared.TempDirectory();
        string dir = temp.CopyOf(Corpus.DeltaDir);
        File.WriteAllText(Path.Combine(dir, "added_tokens.json"), "{\"[PAD]\": \"x\"}");
        var e = Assert.Throws<CheckpointFormatException>(() => LlamaTokenizer.FromDirectory(dir));
        Assert.That(e!.Kind, Is.EqualTo(FormatErrorKind.TokenizerFileInvalid));
    }
}
