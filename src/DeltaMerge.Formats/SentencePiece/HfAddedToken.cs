namespace DeltaMerge.Formats.SentencePiece;

/// <summary>One entry of tokenizer_config.json <c>added_tokens_decoder</c>.</summary>
/// <param name="Id">The id (the entry's key).</param>
/// <param name="Content">The token text.</param>
/// <param name="Special">The entry's <c>special</c> flag, as Python truthiness reads it.</param>
internal sealed record HfAddedToken(long Id, string Content, bool Special);
