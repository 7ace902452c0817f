namespace DeltaMerge.Formats.SentencePiece;

/// <summary>Field numbers and defaults of sentencepiece_model.proto (the copy beside this file names the fields).</summary>
internal static class SentencePieceWire
{
    // ModelProto
    public const int ModelPieces = 1;
    public const int ModelTrainerSpec = 2;
    public const int ModelNormalizerSpec = 3;

    // ModelProto.SentencePiece
    public const int PieceText = 1;
    public const int PieceScore = 2;
    public const int PieceType = 3;

    // TrainerSpec
    public const int TrainerModelType = 3;
    public const int TrainerVocabSize = 4;
    public const int TrainerByteFallback = 35;
    public const int TrainerUnkId = 40;
    public const int TrainerBosId = 41;
    public const int TrainerEosId = 42;
    public const int TrainerPadId = 43;

    // NormalizerSpec
    public const int NormalizerPrecompiledCharsMap = 2;
    public const int NormalizerAddDummyPrefix = 3;
    public const int NormalizerRemoveExtraWhitespaces = 4;
    public const int NormalizerEscapeWhitespaces = 5;

    // proto2 defaults of the fields above, used when a field is absent.
    public const SentencePieceModelType DefaultModelType = SentencePieceModelType.Unigram;
    public const int DefaultVocabSize = 8000;
    public const int DefaultUnkId = 0;
    public const int DefaultBosId = 1;
    public const int DefaultEosId = 2;
    public const int DefaultPadId = -1;
}
