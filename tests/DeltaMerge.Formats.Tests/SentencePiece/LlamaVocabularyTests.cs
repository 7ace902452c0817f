using System.Text.Json;
using DeltaMerge.Formats.SentencePiece;
using DeltaMerge.Tests.Shared;

namespace DeltaMerge.Formats.Tests.SentencePiece;

/// <summary>The GGUF vocabulary, checked against the rules of llama.cpp's convert_hf_to_gguf.py / gguf-py SpecialVocab.</summary>
public sealed class LlamaVocabularyTests
{
    private static LlamaVocabulary Build(string? config = null, string? addedTokens = null, string? tokenizerConfig = null,
        string? tokenizerJson = null) =>
        LlamaVocabulary.Build(SentencePieceFixture.Model, HfTokenizerFiles.Parse(config, addedTokens, tokenizerConfig, tokenizerJson));

    private static FormatErrorKind KindOf(Action build) => Assert.Throws<CheckpointFormatException>(() => build())!.Kind;

    [Test]
    public void DeltaDirectoryMatchesExpectedVocabulary()
    {
        LlamaVocabulary vocab = LlamaVocabulary.Load(RepoPaths.Tiny("delta"));
        using JsonDocument expected = SentencePieceFixture.Expected("tiny-delta-vocab.json");
        JsonElement[] tokens = expected.RootElement.GetProperty("tokens").EnumerateArray().ToArray();

        Assert.That(vocab.Count, Is.EqualTo(tokens.Length));
        for (int i = 0; i < tokens.Length; i++)
        {
            Assert.That(vocab.Tokens[i], Is.EqualTo(tokens[i].GetProperty("text").GetString()), $"token {i}");
            Assert.That(BitConverter.SingleToUInt32Bits(vocab.Scores[i]), Is.EqualTo(tokens[i].GetProperty("score_bits").GetUInt32()), $"score {i}");
            Assert.That((int)vocab.TokenTypes[i], Is.EqualTo(tokens[i].GetProperty("type").GetInt32()), $"type {i}");
        }
        Assert.That(vocab.SpecialTokenIds.Select(p => new object[] { p.Key, p.Value }),
            Is.EqualTo(expected.RootElement.GetProperty("special_token_ids").EnumerateArray()
                .Select(a => new object[] { a[0].GetString()!, a[1].GetInt32() })));
        Assert.That(vocab.AddSpecialTokens.Select(p => new object[] { p.Key, p.Value }),
            Is.EqualTo(expected.RootElement.GetProperty("add_special_token").EnumerateArray()
                .Select(a => new object[] { a[0].GetString()!, a[1].GetBoolean() })));
    }

    [Test]
    public void DeltaPadTokenIsUserDefinedAtTheEnd()
    {
        LlamaVocabulary vocab = LlamaVocabulary.Load(RepoPaths.Tiny("delta"));
        Assert.Multiple(() =>
        {
            Assert.That(vocab.Count, Is.EqualTo(385));
            Assert.That(vocab.Tokens[384], Is.EqualTo("[PAD]"));
            Assert.That(vocab.Scores[384], Is.EqualTo(-1000f));
            Assert.That(vocab.TokenTypes[384], Is.EqualTo(SentencePieceTokenType.UserDefined));
            // gguf-py SpecialVocab takes ids from config.json (pad_token_id 0 there), not special_tokens_map.json.
            Assert.That((vocab.BosId, vocab.EosId, vocab.PadId, vocab.UnkId), Is.EqualTo(((int?)1, (int?)2, (int?)0, (int?)null)));
            Assert.That((vocab.AddBosToken, vocab.AddEosToken), Is.EqualTo(((bool?)true, (bool?)false)));
        });
    }

    [Test]
    public void BaseDirectoryWithHugeModelMaxLengthLoads()
    {
        // base-safetensors/tokenizer_config.json has model_max_length 1e30 written as an integer.
        LlamaVocabulary vocab = LlamaVocabulary.Load(RepoPaths.Tiny("base-safetensors"));
        Assert.That(vocab.Count, Is.EqualTo(384));
        Assert.That(vocab.Tokens.Take(3), Is.EqualTo(new[] { "<unk>", "<s>", "</s>" }));
        Assert.That(vocab.TokenTypes.Take(4), Is.EqualTo(new[]
        {
            SentencePieceTokenType.Unknown, SentencePieceTokenType.Control, SentencePieceTokenType.Control, SentencePieceTokenType.Byte,
        }));
        Assert.That(vocab.AddBosToken, Is.True);
    }

    [Test]
    public void SlotsNothingFillsArePaddedWithTheirId()
    {
        LlamaVocabulary vocab = Build("""{"vocab_size": 388}""", """{"[PAD]": 384}""");
        Assert.That(vocab.Tokens.Skip(384), Is.EqualTo(new[] { "[PAD]", "[PAD385]", "[PAD386]", "[PAD387]" }));
        Assert.That(vocab.Scores.Skip(385), Is.All.EqualTo(-10000f));
        Assert.That(vocab.TokenTypes.Skip(385), Is.All.EqualTo(SentencePieceTokenType.Unused));
    }

    [Test]
    public void WithoutConfigTheSizeIsThePieceCount()
    {
        LlamaVocabulary vocab = Build();
        Assert.That(vocab.Count, Is.EqualTo(384));
        Assert.That(vocab.SpecialTokenIds, Is.Empty);
        Assert.That(vocab.AddSpecialTokens, Is.Empty);
    }

    [Test]
    public void AddedTokenMayOverwriteAPiece()
    {
        LlamaVocabulary vocab = Build("""{"vocab_size": 384}""", """{"<x>": 5}""");
        Assert.That((vocab.Tokens[5], vocab.Scores[5], vocab.TokenTypes[5]), Is.EqualTo(("<x>", -1000f, SentencePieceTokenType.UserDefined)));
    }

    [Test]
    public void RepeatedAddedTokenKeyKeepsItsLastId()
    {
        LlamaVocabulary vocab = Build("""{"vocab_size": 386}""", """{"[PAD]": 384, "[PAD]": 385}""");
        Assert.That(vocab.Tokens[384], Is.EqualTo("[PAD384]"));
        Assert.That(vocab.Tokens[385], Is.EqualTo("[PAD]"));
    }

    [TestCase("""{"vocab_size": 385}""", """{"[PAD]": 385}""")]
    [TestCase(null, """{"[PAD]": 384}""")]
    [TestCase("""{"vocab_size": 385}""", """{"[PAD]": -1}""")]
    [TestCase("""{"vocab_size": 385}""", """{"[PAD]": 100000000000000000000000}""")]
    public void AddedTokenOutsideTheVocabularyIsAnError(string? config, string added) =>
        Assert.That(KindOf(() => _ = Build(config, added)), Is.EqualTo(FormatErrorKind.AddedTokenOutOfRange));

    [Test]
    public void DecoderIdOutsideTheVocabularyIsAnError() =>
        Assert.That(KindOf(() => Build("""{"vocab_size": 385}""", null, """{"added_tokens_decoder": {"385": {"content": "x"}}}""")),
            Is.EqualTo(FormatErrorKind.AddedTokenOutOfRange));

    [Test]
    public void VocabSizeBelowPieceCountIsAnError() =>
        Assert.That(KindOf(() => _ = Build("""{"vocab_size": 100}""")), Is.EqualTo(FormatErrorKind.VocabularyTooSmall));

    [TestCase("{\"[PAD]\": 384")]
    [TestCase("[\"[PAD]\"]")]
    [TestCase("{\"[PAD]\": \"384\"}")]
    [TestCase("{\"[PAD]\": 384.0}")]
    public void MalformedAddedTokensJsonIsAnError(string added) =>
        Assert.That(KindOf(() => _ = Build("""{"vocab_size": 385}""", added)), Is.EqualTo(FormatErrorKind.TokenizerFileInvalid));

    [TestCase("{\"add_bos_token\": true,")]
    [TestCase("{\"added_tokens_decoder\": {\"x\": {\"content\": \"a\"}}}")]
    [TestCase("{\"added_tokens_decoder\": {\"3\": {\"special\": true}}}")]
    public void MalformedTokenizerConfigIsAnError(string tokenizerConfig) =>
        Assert.That(KindOf(() => _ = Build(null, null, tokenizerConfig)), Is.EqualTo(FormatErrorKind.TokenizerFileInvalid));

    [TestCase("{\"vocab_size\": ")]
    [TestCase("{\"vocab_size\": \"385\"}")]
    [TestCase("{\"bos_token_id\": -1}")]
    public void MalformedConfigIsAnError(string config) =>
        Assert.That(KindOf(() => _ = Build(config)), Is.EqualTo(FormatErrorKind.InvalidConfig));

    [Test]
    public void AddedTokensDecoderSetsControlOrUserDefined()
    {
        const string tokenizerConfig = """
            {"added_tokens_decoder": {
              "0": {"content": "<unk>", "special": true},
              "384": {"content": "\u2581hello\u2581world", "special": false},
              "385": {"content": "<|im_start|>", "special": false},
              "386": {"content": "<unused3>"}
            }}
            """;
        LlamaVocabulary vocab = Build("""{"vocab_size": 387}""", null, tokenizerConfig);
        Assert.Multiple(() =>
        {
            Assert.That((vocab.Tokens[0], vocab.Scores[0], vocab.TokenTypes[0]), Is.EqualTo(("<unk>", -1000f, SentencePieceTokenType.Control)));
            Assert.That((vocab.Tokens[384], vocab.TokenTypes[384]), Is.EqualTo((" hello world", SentencePieceTokenType.UserDefined)));
            Assert.That((vocab.Tokens[385], vocab.TokenTypes[385]), Is.EqualTo(("<|im_start|>", SentencePieceTokenType.Control)));
            Assert.That((vocab.Tokens[386], vocab.TokenTypes[386]), Is.EqualTo(("<unused3>", SentencePieceTokenType.Control)));
        });
    }

    [Test]
    public void UserDefinedPiecesBecomeNormal()
    {
        byte[] data = new ProtoBuilder()
            .Message(1, p => p.String(1, "<unk>").Varint(3, 2))
            .Message(1, p => p.String(1, "<sep>").Varint(3, 4))
            .Message(1, p => p.String(1, "gone").Varint(3, 5))
            .ToArray();
        LlamaVocabulary vocab = LlamaVocabulary.Build(SentencePieceModel.Load(data), HfTokenizerFiles.Parse(null, null, null));
        Assert.That(vocab.TokenTypes, Is.EqualTo(new[]
        {
            SentencePieceTokenType.Unknown, SentencePieceTokenType.Normal, SentencePieceTokenType.Unused,
        }));
    }

    [Test]
    public void SpecialIdsFromTokenizerJsonComeFirstAndWin()
    {
        const string tokenizerConfig = """{"bos_token": {"__type": "AddedToken", "content": "<s>"}, "pad_token": "[PAD]", "eos_token": null}""";
        const string tokenizerJson = """{"added_tokens": [{"id": 5, "content": "<s>"}, {"id": 6, "content": "<s>"}, {"id": 384, "content": "[PAD]"}]}""";
        LlamaVocabulary vocab = Build("""{"vocab_size": 385, "bos_token_id": 1, "eos_token_id": 2, "unk_token_id": 0}""",
            null, tokenizerConfig, tokenizerJson);
        Assert.That(vocab.SpecialTokenIds, Is.EqualTo(new KeyValuePair<string, int>[]
        {
            new("bos", 5), new("pad", 384), new("eos", 2), new("unk", 0),
        }));
    }

    [Test]
    public void SpecialIdsPastTheVocabularyOrNotIntegersAreSkipped()
    {
        LlamaVocabulary vocab = Build("""{"vocab_size": 385, "bos_token_id": 385, "eos_token_id": [2, 3], "pad_token_id": 1.0, "text_config": {"unk_token_id": 0}}""");
        Assert.That(vocab.SpecialTokenIds, Is.EqualTo(new KeyValuePair<string, int>[] { new("unk", 0) }));
    }

    [Test]
    public void TokenizerConfigFlagsNeedANonEmptyConfig()
    {
        Assert.That(Build(null, null, "{}").AddSpecialTokens, Is.Empty);
        LlamaVocabulary vocab = Build(null, null, """{"add_bos_token": false, "add_eos_token": true, "add_pad_token": "yes", "add_prefix_space": false}""");
        Assert.That((vocab.AddBosToken, vocab.AddEosToken, vocab.AddSpacePrefix), Is.EqualTo(((bool?)false, (bool?)true, (bool?)false)));
        Assert.That(vocab.AddSpecialTokens, Has.Count.EqualTo(2));
    }

    [Test]
    public void SpecialTokenTextsAcceptStringsAndAddedTokenObjects()
    {
        HfTokenizerFiles files = HfTokenizerFiles.Parse(null, null, SentencePieceFixture.Read("delta", "tokenizer_config.json"));
        Assert.That(files.SpecialTokenContents, Is.EqualTo(new KeyValuePair<string, string>[]
        {
            new("bos", "<s>"), new("eos", "</s>"), new("unk", "<unk>"),
        }));
        files = HfTokenizerFiles.Parse(null, null, """{"pad_token": "[PAD]", "unk_token": {"content": 3}}""");
        Assert.That(files.SpecialTokenContents, Is.EqualTo(new KeyValuePair<string, string>[] { new("pad", "[PAD]") }));
    }

    [TestCase("<pad>", true)]
    [TestCase("<|x|>", true)]
    [TestCase("<\uFF5Cbegin\uFF5C>", true)]
    [TestCase("<unused0>", true)]
    [TestCase("[PAD]", false)]
    [TestCase("<s>", false)]
    public void LooksSpecialFollowsTheConverter(string text, bool special) =>
        Assert.That(LlamaVocabulary.LooksSpecial(text), Is.EqualTo(special));
}
