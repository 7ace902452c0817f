using DeltaMerge.Formats.SentencePiece;
using Google.Protobuf;

namespace DeltaMerge.Tokenization;

/// <summary>
/// Serializes a minimal SentencePiece ModelProto (BPE) from a GGUF vocabulary, because Microsoft.ML.Tokenizers 2.0.1
/// builds its SentencePiece tokenizer only from a ModelProto stream. Field numbers: sentencepiece_model.proto (the copy
/// in DeltaMerge.Formats/SentencePiece).
/// </summary>
internal static class SentencePieceProtoBuilder
{
    // ModelProto
    private const int ModelPieces = 1, ModelTrainerSpec = 2, ModelNormalizerSpec = 3;
    // ModelProto.SentencePiece
    private const int PieceText = 1, PieceScore = 2, PieceType = 3;
    // TrainerSpec
    private const int TrainerModelType = 3, TrainerVocabSize = 4, TrainerByteFallback = 35,
        TrainerUnkId = 40, TrainerBosId = 41, TrainerEosId = 42, TrainerPadId = 43;
    // NormalizerSpec
    private const int NormalizerName = 1, NormalizerAddDummyPrefix = 3, NormalizerRemoveExtraWhitespaces = 4, NormalizerEscapeWhitespaces = 5;
    private const int BpeModelType = 2; // TrainerSpec.ModelType.BPE

    /// <summary>The ModelProto bytes of the first <paramref name="pieceCount"/> tokens.</summary>
    public static byte[] Build(IReadOnlyList<string> tokens, IReadOnlyList<float> scores, IReadOnlyList<SentencePieceTokenType> types,
        int pieceCount, int unkId, int bosId, int eosId, bool addDummyPrefix)
    {
        using var buffer = new MemoryStream();
        var output = new CodedOutputStream(buffer);
        bool byteFallback = false;
        for (int id = 0; id < pieceCount; id++)
        {
            byteFallback |= types[id] == SentencePieceTokenType.Byte;
            WriteMessage(output, ModelPieces, o =>
            {
                o.WriteTag(PieceText, WireFormat.WireType.LengthDelimited);
                o.WriteString(tokens[id]);
                o.WriteTag(PieceScore, WireFormat.WireType.Fixed32);
                o.WriteFloat(scores[id]);
                o.WriteTag(PieceType, WireFormat.WireType.Varint);
                o.WriteEnum((int)types[id]);
            });
        }
        WriteMessage(output, ModelTrainerSpec, o =>
        {
            WriteInt(o, TrainerModelType, BpeModelType);
            WriteInt(o, TrainerVocabSize, pieceCount);
            o.WriteTag(TrainerByteFallback, WireFormat.WireType.Varint);
            o.WriteBool(byteFallback);
            WriteInt(o, TrainerUnkId, unkId);
            WriteInt(o, TrainerBosId, bosId);
            WriteInt(o, TrainerEosId, eosId);
            WriteInt(o, TrainerPadId, -1);
        });
        WriteMessage(output, ModelNormalizerSpec, o =>
        {
            o.WriteTag(NormalizerName, WireFormat.WireType.LengthDelimited);
            o.WriteString("identity"); // LLaMA: no precompiled character map
            o.WriteTag(NormalizerAddDummyPrefix, WireFormat.WireType.Varint);
            o.WriteBool(addDummyPrefix);
            o.WriteTag(NormalizerRemoveExtraWhitespaces, WireFormat.WireType.Varint);
            o.WriteBool(false);
            o.WriteTag(NormalizerEscapeWhitespaces, WireFormat.WireType.Varint);
            o.WriteBool(true);
        });
        output.Flush();
        return buffer.ToArray();
    }

    private static void WriteInt(CodedOutputStream o, int field, int value)
    {
        o.WriteTag(field, WireFormat.WireType.Varint);
        o.WriteInt32(value);
    }

    private static void WriteMessage(CodedOutputStream output, int field, Action<CodedOutputStream> body)
    {
        using var inner = new MemoryStream();
        var o = new CodedOutputStream(inner);
        body(o);
        o.Flush();
        output.WriteTag(field, WireFormat.WireType.LengthDelimited);
        output.WriteBytes(ByteString.CopyFrom(inner.ToArray()));
    }
}
