namespace DeltaMerge.Tokenization;

/// <summary>
/// How <see cref="LlamaTokenizer.Encode"/> treats added and special tokens written in the text. The names follow the
/// variants recorded in <c>tests/fixtures/reference/tokenize.json</c> (<c>added_token_variants</c>).
/// </summary>
public enum AddedTokenHandling
{
    /// <summary>
    /// transformers 4.28's slow LlamaTokenizer (<c>hf_legacy_v4_28</c>, the MT-LLaMA era): the text is split
    /// leftmost-longest on every special token (<c>&lt;unk&gt; &lt;s&gt; &lt;/s&gt;</c>) and added token (<c>[PAD]</c>);
    /// whitespace next to a token given as a plain string (or an added token) is stripped on both sides, next to an
    /// AddedToken object only as its <c>lstrip</c>/<c>rstrip</c> say; empty pieces are dropped and every other piece
    /// is encoded on its own, so each gets the dummy-prefix space.
    /// </summary>
    HfLegacyV428 = 0,

    /// <summary>Split on added tokens only (not on <c>&lt;s&gt;</c> etc.), no stripping, each piece encoded with the dummy prefix (<c>split_pad_dummy_prefix</c>).</summary>
    AddedTokensDummyPrefixEach,

    /// <summary>
    /// Split on added tokens only, no stripping; only the text's start gets the dummy prefix (<c>split_pad_no_dummy_prefix</c>,
    /// what Microsoft.ML.Tokenizers does with special tokens).
    /// </summary>
    AddedTokensNoDummyPrefix,

    /// <summary>No splitting: the whole text is one SentencePiece input, as <c>sp.encode</c> sees it (<c>[PAD]</c> falls back to bytes).</summary>
    None,
}
