namespace DeltaMerge.Formats.SentencePiece;

/// <summary>
/// One special token of tokenizer_config.json or special_tokens_map.json (<c>bos_token</c>, ...): a plain string
/// (transformers strips spaces on both sides of it) or an AddedToken object with its own <c>lstrip</c>/<c>rstrip</c>.
/// </summary>
/// <param name="Key">The file's key: <c>bos_token</c>, or <c>additional_special_tokens[N]</c>.</param>
/// <param name="Content">The token's text.</param>
/// <param name="LStrip">Whether spaces before it are taken with it.</param>
/// <param name="RStrip">Whether spaces after it are taken with it.</param>
public sealed record HfSpecialToken(string Key, string Content, bool LStrip, bool RStrip);
