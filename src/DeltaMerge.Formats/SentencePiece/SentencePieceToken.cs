namespace DeltaMerge.Formats.SentencePiece;

/// <summary>One vocabulary entry: its text, its score (a float32 on the wire) and its type.</summary>
/// <param name="Text">The piece, with U+2581 for a space as SentencePiece stores it.</param>
/// <param name="Score">The piece's score (log probability for unigram, negated merge rank for BPE).</param>
/// <param name="Type">The piece's type.</param>
public readonly record struct SentencePieceToken(string Text, float Score, SentencePieceTokenType Type);
