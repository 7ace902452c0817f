namespace DeltaMerge.Tokenization;

/// <summary>A token the encoder recognises in text as a whole.</summary>
/// <param name="Text">Its text.</param>
/// <param name="Id">Its id.</param>
/// <param name="LStrip">Whitespace before it is removed.</param>
/// <param name="RStrip">Whitespace after it is removed.</param>
/// <param name="IsAdded">An added token (added_tokens.json, beyond the SentencePiece model), as opposed to a special piece of the model.</param>
internal sealed record AddedToken(string Text, int Id, bool LStrip, bool RStrip, bool IsAdded);
