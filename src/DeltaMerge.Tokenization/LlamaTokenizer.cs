namespace DeltaMerge.Tokenization;

/// <summary>
/// LLaMA's SentencePiece BPE tokenizer with the Hugging Face extras the MT-LLaMA evaluation relies on: added tokens
/// (<c>[PAD]</c>), <c>add_bos_token</c>, a BOS override, and SentencePiece-exact decoding.
/// </summary>
/// <remarks>
/// Segmentation is SentencePiece's BPE merge loop restated (<see cref="SentencePieceBpe"/>); splitting on added tokens,
/// BOS and decoding are ours too (docs/tokenizer.md says why). Instances are immutable and safe to share between threads.
/// </remarks>
public sealed partial class LlamaTokenizer
{
    /// <summary>tokenizer.model.</summary>
    public const string ModelFileName = "tokenizer.model";

    private readonly SentencePieceBpe _bpe;
    private readonly SentencePieceNormalizer _normalizer;
    private readonly SentencePieceNormalizer _normalizerWithoutDummyPrefix;
    private readonly TokenTable _table;
    private readonly AddedTokenSplitter _legacySplitter;
    private readonly AddedTokenSplitter _addedSplitter;
    private readonly LlamaTokenizerOptions _options;
    private readonly Dictionary<string, int> _addedTokens;

    private LlamaTokenizer(SentencePieceBpe bpe, SentencePieceNormalizer normalizer, TokenTable table, IReadOnlyList<AddedToken> specials,
        int bosId, int eosId, int unkId, bool addBosFromFiles, LlamaTokenizerOptions options)
    {
        _bpe = bpe;
        _normalizer = normalizer;
        _normalizerWithoutDummyPrefix = normalizer.WithoutDummyPrefix();
        _table = table;
        _options = options;
        List<AddedToken> added = specials.Where(t => t.IsAdded).ToList();
        _addedTokens = added.ToDictionary(t => t.Text, t => t.Id, StringComparer.Ordinal);
        _legacySplitter = new AddedTokenSplitter(specials);
        _addedSplitter = new AddedTokenSplitter(added.Select(t => t with { LStrip = false, RStrip = false }));
        BosId = bosId;
        EosId = eosId;
        UnknownId = unkId;
        AddBos = options.AddBos ?? addBosFromFiles;
    }

    /// <summary>Number of ids (SentencePiece pieces, added tokens and padding slots).</summary>
    public int VocabularySize => _table.Count;

    /// <summary>Number of SentencePiece pieces; higher ids are added tokens or padding.</summary>
    public int PieceCount => _table.PieceCount;

    /// <summary>The model's BOS id (1 for LLaMA).</summary>
    public int BosId { get; }

    /// <summary>The model's EOS id (2 for LLaMA).</summary>
    public int EosId { get; }

    /// <summary>The unknown piece's id (0 for LLaMA).</summary>
    public int UnknownId { get; }

    /// <summary>Whether <see cref="Encode"/> prepends a BOS id when the call does not say.</summary>
    public bool AddBos { get; }

    /// <summary>The id <see cref="Encode"/> prepends: <see cref="LlamaTokenizerOptions.BosOverride"/>, else <see cref="BosId"/>.</summary>
    public int PrependedBosId => _options.BosOverride ?? BosId;

    /// <summary>Tokens beyond the SentencePiece model (added_tokens.json; GGUF user-defined tokens), text to id.</summary>
    public IReadOnlyDictionary<string, int> AddedTokens => _addedTokens;

    /// <summary>The options this tokenizer was made with.</summary>
    public LlamaTokenizerOptions Options => _options;

    /// <summary>The token text of <paramref name="id"/> (a piece with U+2581 for spaces, <c>&lt;0x0A&gt;</c>, <c>[PAD]</c>).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The id is outside the vocabulary.</exception>
    public string IdToToken(int id)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(id);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(id, _table.Count);
        return _table.Text(id);
    }

    /// <summary>
    /// Encodes <paramref name="text"/> to ids: SentencePiece's ids (dummy-prefix space, spaces as U+2581, byte fallback)
    /// with added tokens handled as <see cref="LlamaTokenizerOptions.AddedTokens"/> says, preceded by
    /// <see cref="PrependedBosId"/> when <paramref name="addBos"/> (default <see cref="AddBos"/>) is true. Never adds EOS.
    /// </summary>
    public IReadOnlyList<int> Encode(string text, bool? addBos = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        var ids = new List<int>();
        if (addBos ?? AddBos) ids.Add(PrependedBosId);
        if (_options.AddedTokens == AddedTokenHandling.None)
        {
            EncodePlain(text, _normalizer, ids);
            return ids;
        }
        bool legacy = _options.AddedTokens == AddedTokenHandling.HfLegacyV428;
        bool prefixEach = _options.AddedTokens != AddedTokenHandling.AddedTokensNoDummyPrefix;
        AddedTokenSplitter splitter = legacy ? _legacySplitter : _addedSplitter;
        bool atStart = true;
        foreach (AddedTokenSplitter.Segment segment in splitter.Split(text, strip: legacy))
        {
            if (segment.Token is { } token) ids.Add(token.Id);
            // Each stretch is encoded on its own; in the no-dummy-prefix mode only the text's start gets the prefix.
            else EncodePlain(segment.Text, prefixEach || atStart ? _normalizer : _normalizerWithoutDummyPrefix, ids);
            atStart = false;
        }
        return ids;
    }

    /// <summary>
    /// Decodes ids as SentencePiece's <c>decode</c> does (see <see cref="IncrementalDecoder"/>), after removing the ids in
    /// <paramref name="skip"/> (transformers' <c>skip_special_tokens</c>; MT-LLaMA skips <c>&lt;/s&gt;</c> and <c>[PAD]</c>).
    /// Ids beyond the SentencePiece model decode to their text.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">An id is outside the vocabulary.</exception>
    public string Decode(IEnumerable<int> ids, IReadOnlySet<int>? skip = null)
    {
        ArgumentNullException.ThrowIfNull(ids);
        IncrementalDecoder decoder = CreateDecoder(skip);
        var text = new System.Text.StringBuilder();
        foreach (int id in ids) text.Append(decoder.Push(id));
        text.Append(decoder.Flush());
        return text.ToString();
    }

    /// <summary>A streaming decoder over this vocabulary; <paramref name="skip"/> as in <see cref="Decode"/>.</summary>
    public IncrementalDecoder CreateDecoder(IReadOnlySet<int>? skip = null) => new(_table, skip);

    private void EncodePlain(string text, SentencePieceNormalizer normalizer, List<int> ids) =>
        _bpe.Encode(normalizer.Normalize(text), ids);
}
