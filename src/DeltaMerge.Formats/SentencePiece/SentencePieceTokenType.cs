namespace DeltaMerge.Formats.SentencePiece;

/// <summary>
/// A piece's type. The values are SentencePiece's <c>ModelProto.SentencePiece.Type</c>, which are also the values
/// llama.cpp writes to GGUF <c>tokenizer.ggml.token_type</c> (gguf-py <c>TokenType</c>).
/// </summary>
public enum SentencePieceTokenType
{
    /// <summary>An ordinary piece.</summary>
    Normal = 1,
    /// <summary>The unknown piece (<c>&lt;unk&gt;</c>).</summary>
    Unknown = 2,
    /// <summary>A control symbol such as <c>&lt;s&gt;</c>, never produced by segmentation.</summary>
    Control = 3,
    /// <summary>A user-defined symbol (in GGUF: a token added on top of the model).</summary>
    UserDefined = 4,
    /// <summary>A piece that is not used (in GGUF: a padding slot).</summary>
    Unused = 5,
    /// <summary>A byte-fallback piece <c>&lt;0xNN&gt;</c>.</summary>
    Byte = 6,
}
