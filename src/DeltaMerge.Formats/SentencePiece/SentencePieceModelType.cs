namespace DeltaMerge.Formats.SentencePiece;

/// <summary>The segmentation algorithm a model was trained with (<c>TrainerSpec.ModelType</c>).</summary>
public enum SentencePieceModelType
{
    /// <summary>Unigram language model.</summary>
    Unigram = 1,
    /// <summary>Byte-pair encoding (LLaMA's tokenizer).</summary>
    Bpe = 2,
    /// <summary>Whitespace-delimited words.</summary>
    Word = 3,
    /// <summary>Single characters.</summary>
    Char = 4,
}
