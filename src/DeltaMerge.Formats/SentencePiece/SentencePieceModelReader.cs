using System.Text;
using Google.Protobuf;

namespace DeltaMerge.Formats.SentencePiece;

/// <summary>
/// Reads the fields of sentencepiece_model.proto that <see cref="SentencePieceModel"/> exposes, straight from the wire
/// with <see cref="CodedInputStream"/>; every other field is skipped.
/// </summary>
// Hand-reading rather than protoc-generated classes: generated parsers file a known field that arrives with the wrong
// wire type under unknown fields and accept a nested message cut short by the end of the data; here both are errors,
// reported with a byte offset. It also keeps a native protoc out of the build (see docs/formats.md).
internal sealed class SentencePieceModelReader
{

    private readonly CodedInputStream _input;
    private readonly long _length;
    private readonly string? _filePath;

    private readonly List<SentencePieceToken> _pieces = [];
    private SentencePieceModelType _modelType = SentencePieceWire.DefaultModelType;
    private int _vocabSize = SentencePieceWire.DefaultVocabSize;
    private bool _byteFallback;
    private int _unkId = SentencePieceWire.DefaultUnkId;
    private int _bosId = SentencePieceWire.DefaultBosId;
    private int _eosId = SentencePieceWire.DefaultEosId;
    private int _padId = SentencePieceWire.DefaultPadId;
    private bool _addDummyPrefix = true;
    private bool _removeExtraWhitespaces = true;
    private bool _escapeWhitespaces = true;
    private bool _hasCharacterMap;

    private SentencePieceModelReader(byte[] data, string? filePath)
    {
        _input = new CodedInputStream(data);
        _length = data.Length;
        _filePath = filePath;
    }

    public static SentencePieceModel Parse(byte[] data, string? filePath)
    {
        var reader = new SentencePieceModelReader(data, filePath);
        try
        {
            reader.ReadModel();
        }
        catch (InvalidProtocolBufferException e)
        {
            throw reader.Invalid("malformed protobuf: " + e.Message, e);
        }
        if (reader._pieces.Count == 0)
            throw new CheckpointFormatException(FormatErrorKind.SentencePieceNoPieces,
                "no pieces: expected a SentencePiece ModelProto with at least one piece", filePath);
        return new SentencePieceModel(reader._pieces.ToArray(), reader._modelType, reader._vocabSize, reader._byteFallback,
            reader._unkId, reader._bosId, reader._eosId, reader._padId, reader._addDummyPrefix, reader._removeExtraWhitespaces,
            reader._escapeWhitespaces, reader._hasCharacterMap);
    }

    private void ReadModel()
    {
        uint tag;
        while ((tag = NextTag(_length)) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case SentencePieceWire.ModelPieces: ReadMessage(tag, ReadPiece); break;
                case SentencePieceWire.ModelTrainerSpec: ReadMessage(tag, ReadTrainerSpec); break;
                case SentencePieceWire.ModelNormalizerSpec: ReadMessage(tag, ReadNormalizerSpec); break;
                default: _input.SkipLastField(); break;
            }
        }
    }

    private void ReadPiece(long end)
    {
        string? text = null;
        float score = 0f;
        var type = SentencePieceTokenType.Normal;
        uint tag;
        while ((tag = NextTag(end)) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case SentencePieceWire.PieceText:
                    Expect(tag, WireFormat.WireType.LengthDelimited);
                    text = ReadUtf8();
                    break;
                case SentencePieceWire.PieceScore:
                    Expect(tag, WireFormat.WireType.Fixed32);
                    score = _input.ReadFloat();
                    break;
                case SentencePieceWire.PieceType:
                    Expect(tag, WireFormat.WireType.Varint);
                    long at = _input.Position;
                    int value = _input.ReadEnum();
                    if (!Enum.IsDefined((SentencePieceTokenType)value))
                        throw Invalid($"piece {_pieces.Count}: type {value} is not a SentencePiece.Type (1..6)", at: at);
                    type = (SentencePieceTokenType)value;
                    break;
                default: _input.SkipLastField(); break;
            }
        }
        // sentencepiece_model.proto: "piece must not be empty".
        if (string.IsNullOrEmpty(text)) throw Invalid($"piece {_pieces.Count} has no text");
        _pieces.Add(new SentencePieceToken(text, score, type));
    }

    private void ReadTrainerSpec(long end)
    {
        uint tag;
        while ((tag = NextTag(end)) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case SentencePieceWire.TrainerModelType:
                    Expect(tag, WireFormat.WireType.Varint);
                    long at = _input.Position;
                    int value = _input.ReadEnum();
                    if (!Enum.IsDefined((SentencePieceModelType)value))
                        throw Invalid($"trainer_spec.model_type {value} is not a ModelType (1..4)", at: at);
                    _modelType = (SentencePieceModelType)value;
                    break;
                case SentencePieceWire.TrainerVocabSize: _vocabSize = ReadInt32(tag); break;
                case SentencePieceWire.TrainerByteFallback: _byteFallback = ReadBool(tag); break;
                case SentencePieceWire.TrainerUnkId: _unkId = ReadInt32(tag); break;
                case SentencePieceWire.TrainerBosId: _bosId = ReadInt32(tag); break;
                case SentencePieceWire.TrainerEosId: _eosId = ReadInt32(tag); break;
                case SentencePieceWire.TrainerPadId: _padId = ReadInt32(tag); break;
                default: _input.SkipLastField(); break;
            }
        }
    }

    private void ReadNormalizerSpec(long end)
    {
        uint tag;
        while ((tag = NextTag(end)) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case SentencePieceWire.NormalizerAddDummyPrefix: _addDummyPrefix = ReadBool(tag); break;
                case SentencePieceWire.NormalizerRemoveExtraWhitespaces: _removeExtraWhitespaces = ReadBool(tag); break;
                case SentencePieceWire.NormalizerEscapeWhitespaces: _escapeWhitespaces = ReadBool(tag); break;
                case SentencePieceWire.NormalizerPrecompiledCharsMap:
                    Expect(tag, WireFormat.WireType.LengthDelimited);
                    _hasCharacterMap = _input.ReadBytes().Length > 0;
                    break;
                default: _input.SkipLastField(); break;
            }
        }
    }

    /// <summary>The next tag before <paramref name="end"/>, or 0 there. Groups are refused: the schema has none.</summary>
    private uint NextTag(long end)
    {
        if (_input.Position == end) return 0;
        if (_input.Position > end) throw Invalid("a field runs past the end of its message");
        long at = _input.Position;
        uint tag = _input.ReadTag();
        if (tag == 0) throw Invalid("unexpected end of data", at: at);
        var wire = WireFormat.GetTagWireType(tag);
        if (wire is WireFormat.WireType.StartGroup or WireFormat.WireType.EndGroup)
            throw Invalid($"field {WireFormat.GetTagFieldNumber(tag)} uses a group wire type, which ModelProto never does", at: at);
        return tag;
    }

    /// <summary>Reads an embedded message whose declared length must lie inside the data.</summary>
    private void ReadMessage(uint tag, Action<long> readFields)
    {
        Expect(tag, WireFormat.WireType.LengthDelimited);
        long at = _input.Position;
        int length = _input.ReadLength();
        long end = _input.Position + length;
        if (end > _length)
            throw Invalid($"field {WireFormat.GetTagFieldNumber(tag)} declares {length} bytes but only {_length - _input.Position} remain", at: at);
        readFields(end);
    }

    private int ReadInt32(uint tag)
    {
        Expect(tag, WireFormat.WireType.Varint);
        return _input.ReadInt32();
    }

    private bool ReadBool(uint tag)
    {
        Expect(tag, WireFormat.WireType.Varint);
        return _input.ReadBool();
    }

    private string ReadUtf8()
    {
        long at = _input.Position;
        ByteString bytes = _input.ReadBytes();
        try
        {
            return StrictUtf8.GetString(bytes.Span);
        }
        catch (DecoderFallbackException e)
        {
            throw Invalid($"piece {_pieces.Count} is not valid UTF-8", e, at);
        }
    }

    private void Expect(uint tag, WireFormat.WireType wire)
    {
        var found = WireFormat.GetTagWireType(tag);
        if (found != wire)
            throw Invalid($"field {WireFormat.GetTagFieldNumber(tag)}: expected wire type {wire}, found {found}");
    }

    private CheckpointFormatException Invalid(string message, Exception? inner = null, long? at = null) =>
        new(FormatErrorKind.SentencePieceInvalid, message, _filePath, byteOffset: at ?? _input.Position, inner: inner);
}
