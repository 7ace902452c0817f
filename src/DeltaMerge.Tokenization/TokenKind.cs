namespace DeltaMerge.Tokenization;

/// <summary>What decoding does with one id.</summary>
internal enum TokenKind : byte
{
    /// <summary>A SentencePiece piece decoded as text, U+2581 as a space (normal, user-defined and unused pieces).</summary>
    Piece,
    /// <summary>A control piece (<c>&lt;s&gt;</c>, <c>&lt;/s&gt;</c>): decodes to nothing.</summary>
    Control,
    /// <summary>The unknown piece: decodes to SentencePiece's <c>" ⁇ "</c>.</summary>
    Unknown,
    /// <summary>A byte-fallback piece <c>&lt;0xNN&gt;</c>.</summary>
    Byte,
    /// <summary>A token outside the SentencePiece model (added_tokens.json, GGUF padding): decodes to its text verbatim.</summary>
    Added,
}
