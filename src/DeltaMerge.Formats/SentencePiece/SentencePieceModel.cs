using DeltaMerge.Formats.IO;
namespace DeltaMerge.Formats.SentencePiece;

/// <summary>
/// A SentencePiece model (<c>tokenizer.model</c>): its pieces and the trainer and normalizer settings that matter to
/// conversion. Fields absent from the file take their proto2 defaults.
/// </summary>
public sealed class SentencePieceModel
{
    internal SentencePieceModel(IReadOnlyList<SentencePieceToken> pieces, SentencePieceModelType modelType, int trainerVocabSize,
        bool byteFallback, int unkId, int bosId, int eosId, int padId, bool addDummyPrefix, bool removeExtraWhitespaces,
        bool escapeWhitespaces, bool hasCharacterMap)
    {
        Pieces = pieces;
        ModelType = modelType;
        TrainerVocabSize = trainerVocabSize;
        ByteFallback = byteFallback;
        UnkId = unkId;
        BosId = bosId;
        EosId = eosId;
        PadId = padId;
        AddDummyPrefix = addDummyPrefix;
        RemoveExtraWhitespaces = removeExtraWhitespaces;
        EscapeWhitespaces = escapeWhitespaces;
        HasCharacterMap = hasCharacterMap;
    }

    /// <summary>The pieces; a piece's index is its id.</summary>
    public IReadOnlyList<SentencePieceToken> Pieces { get; }

    /// <summary><c>trainer_spec.model_type</c>.</summary>
    public SentencePieceModelType ModelType { get; }

    /// <summary><c>trainer_spec.vocab_size</c>: the size asked of the trainer (normally <see cref="Pieces"/>' count).</summary>
    public int TrainerVocabSize { get; }

    /// <summary><c>trainer_spec.byte_fallback</c>: unknown characters become <c>&lt;0xNN&gt;</c> byte pieces.</summary>
    public bool ByteFallback { get; }

    /// <summary><c>trainer_spec.unk_id</c>.</summary>
    public int UnkId { get; }

    /// <summary><c>trainer_spec.bos_id</c>; -1 when the model has none.</summary>
    public int BosId { get; }

    /// <summary><c>trainer_spec.eos_id</c>; -1 when the model has none.</summary>
    public int EosId { get; }

    /// <summary><c>trainer_spec.pad_id</c>; -1 when the model has none (LLaMA's case).</summary>
    public int PadId { get; }

    /// <summary><c>normalizer_spec.add_dummy_prefix</c>: a space is put before the text.</summary>
    public bool AddDummyPrefix { get; }

    /// <summary><c>normalizer_spec.remove_extra_whitespaces</c>.</summary>
    public bool RemoveExtraWhitespaces { get; }

    /// <summary><c>normalizer_spec.escape_whitespaces</c>: spaces are stored as U+2581.</summary>
    public bool EscapeWhitespaces { get; }

    /// <summary>
    /// <c>normalizer_spec.precompiled_charsmap</c> is not empty: the model normalizes characters (nmt_nfkc and the
    /// like) before segmentation. LLaMA's model has none (<c>identity</c>).
    /// </summary>
    public bool HasCharacterMap { get; }

    /// <summary>Parses a serialized ModelProto.</summary>
    /// <param name="data">The bytes of <c>tokenizer.model</c>.</param>
    /// <param name="filePath">Named in error messages when given.</param>
    /// <exception cref="CheckpointFormatException">The bytes are not a SentencePiece model; <see cref="CheckpointFormatException.Kind"/> says why.</exception>
    public static SentencePieceModel Load(byte[] data, string? filePath = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        return SentencePieceModelReader.Parse(data, filePath);
    }

    /// <summary>Reads the stream to its end and parses it as a serialized ModelProto.</summary>
    /// <param name="stream">A readable stream positioned at the model's first byte.</param>
    /// <param name="filePath">Named in error messages when given.</param>
    /// <exception cref="CheckpointFormatException">The bytes are not a SentencePiece model.</exception>
    /// <exception cref="IOException">Reading the stream failed.</exception>
    public static SentencePieceModel Load(Stream stream, string? filePath = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return SentencePieceModelReader.Parse(buffer.ToArray(), filePath);
    }

    /// <summary>Reads and parses a <c>tokenizer.model</c> file.</summary>
    /// <exception cref="CheckpointFormatException">The file is not a SentencePiece model.</exception>
    /// <exception cref="IOException">Reading the file failed.</exception>
    public static SentencePieceModel LoadFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return SentencePieceModelReader.Parse(RegularFile.ReadAllBytes(path), path);
    }
}
