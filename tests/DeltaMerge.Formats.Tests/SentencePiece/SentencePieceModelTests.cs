using System.Text.Json;
using DeltaMerge.Formats.SentencePiece;

namespace DeltaMerge.Formats.Tests.SentencePiece;

/// <summary>tokenizer.model parsing, checked against sentencepiece's own reading of the fixture.</summary>
public sealed class SentencePieceModelTests
{
    [Test]
    public void FixtureMatchesSentencePiece()
    {
        SentencePieceModel model = SentencePieceFixture.Model;
        using JsonDocument expected = SentencePieceFixture.Expected("tiny-tokenizer.json");
        JsonElement[] pieces = expected.RootElement.GetProperty("pieces").EnumerateArray().ToArray();

        Assert.That(model.Pieces, Has.Count.EqualTo(pieces.Length));
        for (int i = 0; i < pieces.Length; i++)
        {
            SentencePieceToken piece = model.Pieces[i];
            Assert.That(piece.Text, Is.EqualTo(pieces[i].GetProperty("piece").GetString()), $"piece {i}");
            Assert.That(BitConverter.SingleToUInt32Bits(piece.Score), Is.EqualTo(pieces[i].GetProperty("score_bits").GetUInt32()), $"score {i}");
            Assert.That((int)piece.Type, Is.EqualTo(pieces[i].GetProperty("type").GetInt32()), $"type {i}");
        }

        JsonElement trainer = expected.RootElement.GetProperty("trainer_spec");
        JsonElement normalizer = expected.RootElement.GetProperty("normalizer_spec");
        Assert.Multiple(() =>
        {
            Assert.That((int)model.ModelType, Is.EqualTo(trainer.GetProperty("model_type").GetInt32()));
            Assert.That(model.ModelType, Is.EqualTo(SentencePieceModelType.Bpe));
            Assert.That(model.TrainerVocabSize, Is.EqualTo(trainer.GetProperty("vocab_size").GetInt32()));
            Assert.That(model.ByteFallback, Is.EqualTo(trainer.GetProperty("byte_fallback").GetBoolean()));
            Assert.That(model.UnkId, Is.EqualTo(trainer.GetProperty("unk_id").GetInt32()));
            Assert.That(model.BosId, Is.EqualTo(trainer.GetProperty("bos_id").GetInt32()));
            Assert.That(model.EosId, Is.EqualTo(trainer.GetProperty("eos_id").GetInt32()));
            Assert.That(model.PadId, Is.EqualTo(trainer.GetProperty("pad_id").GetInt32()));
            Assert.That(model.AddDummyPrefix, Is.EqualTo(normalizer.GetProperty("add_dummy_prefix").GetBoolean()));
            Assert.That(model.RemoveExtraWhitespaces, Is.EqualTo(normalizer.GetProperty("remove_extra_whitespaces").GetBoolean()));
            Assert.That(model.EscapeWhitespaces, Is.EqualTo(normalizer.GetProperty("escape_whitespaces").GetBoolean()));
        });
    }

    [Test]
    public void StreamAndBytesAgree()
    {
        byte[] bytes = SentencePieceFixture.ModelBytes;
        using var stream = new MemoryStream(bytes);
        SentencePieceModel fromStream = SentencePieceModel.Load(stream);
        Assert.That(fromStream.Pieces, Is.EqualTo(SentencePieceModel.Load(bytes).Pieces));
    }

    [Test]
    public void AbsentSpecsTakeProto2DefaultsAndUnknownFieldsAreSkipped()
    {
        byte[] data = new ProtoBuilder()
            .Message(1, p => p.String(1, "a").Float(2, -1.5f).Varint(99, 7))
            .Bytes(4, [0x0A, 0x00]) // self_test_data, not read
            .Fixed64(200, 1)
            .Message(1, p => p.String(1, "<0x41>").Varint(3, 6))
            .ToArray();
        SentencePieceModel model = SentencePieceModel.Load(data);
        Assert.Multiple(() =>
        {
            Assert.That(model.Pieces, Is.EqualTo(new[]
            {
                new SentencePieceToken("a", -1.5f, SentencePieceTokenType.Normal),
                new SentencePieceToken("<0x41>", 0f, SentencePieceTokenType.Byte),
            }));
            Assert.That(model.ModelType, Is.EqualTo(SentencePieceModelType.Unigram));
            Assert.That(model.TrainerVocabSize, Is.EqualTo(8000));
            Assert.That((model.UnkId, model.BosId, model.EosId, model.PadId), Is.EqualTo((0, 1, 2, -1)));
            Assert.That(model.ByteFallback, Is.False);
            Assert.That(model.AddDummyPrefix && model.RemoveExtraWhitespaces && model.EscapeWhitespaces, Is.True);
        });
    }

    [Test]
    public void TrainerAndNormalizerFieldsAreRead()
    {
        byte[] data = new ProtoBuilder()
            .Message(1, p => p.String(1, "x"))
            .Message(2, t => t.Varint(3, 2).Varint(4, 32000).Varint(35, 1).Varint(40, 3).Varint(41, 4).Varint(42, 5).Varint(43, 6))
            .Message(3, n => n.Varint(3, 0).Varint(4, 0).Varint(5, 0))
            .ToArray();
        SentencePieceModel model = SentencePieceModel.Load(data);
        Assert.That((model.ModelType, model.TrainerVocabSize, model.ByteFallback), Is.EqualTo((SentencePieceModelType.Bpe, 32000, true)));
        Assert.That((model.UnkId, model.BosId, model.EosId, model.PadId), Is.EqualTo((3, 4, 5, 6)));
        Assert.That((model.AddDummyPrefix, model.RemoveExtraWhitespaces, model.EscapeWhitespaces), Is.EqualTo((false, false, false)));
    }

    private static FormatErrorKind KindOf(byte[] data) =>
        Assert.Throws<CheckpointFormatException>(() => SentencePieceModel.Load(data, "tokenizer.model"))!.Kind;

    [TestCase(5)]
    [TestCase(1000)]
    [TestCase(20000)]
    public void TruncatedFixtureIsInvalid(int keep)
    {
        byte[] bytes = SentencePieceFixture.ModelBytes;
        Assert.That(KindOf(bytes[..Math.Min(keep, bytes.Length - 3)]), Is.EqualTo(FormatErrorKind.SentencePieceInvalid));
    }

    [Test]
    public void LastBytesMissingIsInvalid()
    {
        byte[] bytes = SentencePieceFixture.ModelBytes;
        Assert.That(KindOf(bytes[..^1]), Is.EqualTo(FormatErrorKind.SentencePieceInvalid));
    }

    [Test]
    public void PiecesWithFixed32WireTypeIsInvalid() =>
        Assert.That(KindOf(new ProtoBuilder().Fixed32(1, 0).ToArray()), Is.EqualTo(FormatErrorKind.SentencePieceInvalid));

    [Test]
    public void ScoreWithVarintWireTypeIsInvalid() =>
        Assert.That(KindOf(new ProtoBuilder().Message(1, p => p.String(1, "a").Varint(2, 1)).ToArray()),
            Is.EqualTo(FormatErrorKind.SentencePieceInvalid));

    [Test]
    public void GroupWireTypeIsInvalid() =>
        Assert.That(KindOf([0x0B, 0x0C]), Is.EqualTo(FormatErrorKind.SentencePieceInvalid));

    [Test]
    public void PieceTypeOutsideEnumIsInvalid() =>
        Assert.That(KindOf(new ProtoBuilder().Message(1, p => p.String(1, "a").Varint(3, 7)).ToArray()),
            Is.EqualTo(FormatErrorKind.SentencePieceInvalid));

    [Test]
    public void InvalidUtf8PieceIsInvalid() =>
        Assert.That(KindOf(new ProtoBuilder().Message(1, p => p.Bytes(1, [0xC3, 0x28])).ToArray()),
            Is.EqualTo(FormatErrorKind.SentencePieceInvalid));

    [Test]
    public void EmptyPieceIsInvalid() =>
        Assert.That(KindOf(new ProtoBuilder().Message(1, p => p.Float(2, 1f)).ToArray()), Is.EqualTo(FormatErrorKind.SentencePieceInvalid));

    [Test]
    public void NestedLengthPastEndIsInvalid() =>
        Assert.That(KindOf([0x0A, 0x05, 0x0A, 0x01, 0x61]), Is.EqualTo(FormatErrorKind.SentencePieceInvalid));

    [Test]
    public void EmptyFileHasNoPieces() => Assert.That(KindOf([]), Is.EqualTo(FormatErrorKind.SentencePieceNoPieces));

    // config.json opens with '{' = field 15 as a group; model.safetensors reaches a zero tag after its length prefix.
    [TestCase("config.json")]
    [TestCase("model.safetensors")]
    public void FileThatIsNotAModelIsInvalid(string file)
    {
        byte[] data = File.ReadAllBytes(Path.Combine(DeltaMerge.Tests.Shared.RepoPaths.Tiny("base-safetensors"), file));
        Assert.That(KindOf(data), Is.EqualTo(FormatErrorKind.SentencePieceInvalid));
    }

    [Test]
    public void ErrorCarriesPathAndOffset()
    {
        var e = Assert.Throws<CheckpointFormatException>(() =>
            SentencePieceModel.Load(new ProtoBuilder().Message(1, p => p.String(1, "a").Varint(2, 1)).ToArray(), "x/tokenizer.model"))!;
        Assert.That(e.FilePath, Is.EqualTo("x/tokenizer.model"));
        Assert.That(e.ByteOffset, Is.Not.Null);
    }
}
