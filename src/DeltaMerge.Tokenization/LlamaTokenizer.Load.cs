using System.Text.Json;
using DeltaMerge.Formats;
using DeltaMerge.Formats.Gguf;
using DeltaMerge.Formats.IO;
using DeltaMerge.Formats.SentencePiece;

namespace DeltaMerge.Tokenization;

public sealed partial class LlamaTokenizer
{
    /// <summary>special_tokens_map.json.</summary>
    public const string SpecialTokensMapFileName = HfTokenizerFiles.SpecialTokensMapFileName;

    /// <summary>
    /// Loads the tokenizer of a Hugging Face model directory: tokenizer.model, added_tokens.json, tokenizer_config.json
    /// (<c>add_bos_token</c>, special tokens), special_tokens_map.json (special tokens, which win) and config.json
    /// (<c>vocab_size</c>, for padding slots).
    /// </summary>
    /// <exception cref="FileNotFoundException">tokenizer.model is missing.</exception>
    /// <exception cref="CheckpointFormatException">A file is malformed: <see cref="FormatErrorKind.SentencePieceInvalid"/>,
    /// <see cref="FormatErrorKind.SentencePieceNoPieces"/>, <see cref="FormatErrorKind.TokenizerFileInvalid"/>,
    /// <see cref="FormatErrorKind.SentencePieceNotBpe"/>, ...</exception>
    public static LlamaTokenizer FromDirectory(string directory, LlamaTokenizerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(directory);
        string modelPath = Path.Combine(directory, ModelFileName);
        if (!File.Exists(modelPath))
            throw new FileNotFoundException($"No {ModelFileName} in {directory}.", modelPath);
        byte[] bytes = RegularFile.ReadAllBytes(modelPath);
        SentencePieceModel model = SentencePieceModel.Load(bytes, modelPath); // our parser: specific errors for bad files
        if (model.ModelType != SentencePieceModelType.Bpe)
            throw new CheckpointFormatException(FormatErrorKind.SentencePieceNotBpe, $"a {model.ModelType} model; only BPE (LLaMA) is supported.", modelPath);
        if (model.HasCharacterMap)
            throw new CheckpointFormatException(FormatErrorKind.SentencePieceUnsupportedNormalization, "it normalizes characters with a precompiled map; only identity normalization (LLaMA) is supported.", modelPath);
        var bpe = new SentencePieceBpe(model.Pieces, model.ByteFallback, modelPath);
        var normalizer = new SentencePieceNormalizer(model.AddDummyPrefix, model.RemoveExtraWhitespaces, model.EscapeWhitespaces);
        HfTokenizerFiles files = HfTokenizerFiles.Load(directory);
        LlamaVocabulary vocab = LlamaVocabulary.Build(model, files);
        int pieceCount = model.Pieces.Count;

        var table = new TokenTable(vocab.Tokens, vocab.TokenTypes, pieceCount,
            model.AddDummyPrefix || model.RemoveExtraWhitespaces, model.RemoveExtraWhitespaces, modelPath);
        var idOf = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int id = vocab.Count - 1; id >= 0; id--)
            if (id < pieceCount || vocab.TokenTypes[id] != SentencePieceTokenType.Unused) idOf[vocab.Tokens[id]] = id; // first id wins

        // transformers 4.28: added_tokens.json entries are plain strings (stripped on both sides) unless a special token
        // gives flags; special tokens come from special_tokens_map.json, else tokenizer_config.json.
        var specials = new Dictionary<string, AddedToken>(StringComparer.Ordinal);
        foreach ((string text, long id) in files.AddedTokens)
            specials[text] = new AddedToken(text, (int)id, LStrip: true, RStrip: true, IsAdded: id >= pieceCount);
        Dictionary<string, (string Content, bool LStrip, bool RStrip)> named = ReadSpecialTokens(directory, files);
        foreach ((string content, bool lstrip, bool rstrip) in named.Values)
        {
            if (!idOf.TryGetValue(content, out int id)) continue; // not in the vocabulary: nothing to split on
            specials[content] = new AddedToken(content, id, lstrip, rstrip, IsAdded: id >= pieceCount);
        }

        int Named(string key, int fallback) => named.TryGetValue(key, out var t) && idOf.TryGetValue(t.Content, out int id) ? id : fallback;
        return new LlamaTokenizer(bpe, normalizer, table, specials.Values.ToList(),
            Named("bos_token", model.BosId), Named("eos_token", model.EosId), Named("unk_token", model.UnkId),
            vocab.AddBosToken ?? true, options ?? new LlamaTokenizerOptions());
    }

    /// <summary>
    /// Builds the tokenizer from GGUF metadata (<c>tokenizer.ggml.tokens/scores/token_type</c>, special ids,
    /// <c>add_bos_token</c>, <c>add_space_prefix</c>), as llama.cpp's converter writes it for a SentencePiece model: the
    /// pieces before the added tokens are the SentencePiece model, normalized as LLaMA's (identity, spaces kept).
    /// </summary>
    /// <exception cref="CheckpointFormatException">A key is missing or mistyped, the arrays differ in length
    /// (<see cref="FormatErrorKind.TokenizerFileInvalid"/>), or the vocabulary is not LLaMA's.</exception>
    public static LlamaTokenizer FromGguf(GgufReader reader, LlamaTokenizerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(reader);
        string model = reader.GetString(GgufKeys.TokenizerModel);
        if (model != GgufConstants.LlamaTokenizerModel)
            throw new CheckpointFormatException(FormatErrorKind.TokenizerFileInvalid,
                $"{GgufKeys.TokenizerModel} is '{model}'; only 'llama' (SentencePiece BPE) is supported", reader.FilePath);
        uint? U(string key) => reader.TryGetValue(key, out _) ? reader.GetUInt32(key) : null;
        bool? B(string key) => reader.TryGetValue(key, out _) ? reader.GetBool(key) : null;
        return FromGgufVocabulary(reader.GetStringArray(GgufKeys.TokenizerTokens), reader.GetFloat32Array(GgufKeys.TokenizerScores),
            reader.GetInt32Array(GgufKeys.TokenizerTokenType).Select(t => (SentencePieceTokenType)t).ToArray(),
            (int?)U(GgufKeys.TokenizerBosTokenId), (int?)U(GgufKeys.TokenizerEosTokenId), (int?)U(GgufKeys.TokenizerUnknownTokenId),
            B(GgufKeys.TokenizerAddBosToken), B("tokenizer.ggml.add_space_prefix"), reader.FilePath, options);
    }

    /// <summary>The GGUF path without a file: parallel token arrays as <see cref="LlamaVocabulary"/> makes them.</summary>
    internal static LlamaTokenizer FromGgufVocabulary(IReadOnlyList<string> tokens, IReadOnlyList<float> scores,
        IReadOnlyList<SentencePieceTokenType> types, int? bosId, int? eosId, int? unkId, bool? addBos, bool? addSpacePrefix,
        string source, LlamaTokenizerOptions? options)
    {
        if (tokens.Count == 0 || scores.Count != tokens.Count || types.Count != tokens.Count)
            throw new CheckpointFormatException(FormatErrorKind.TokenizerFileInvalid,
                $"tokenizer arrays differ: {tokens.Count} tokens, {scores.Count} scores, {types.Count} types", source);
        for (int id = 0; id < types.Count; id++)
            if (!Enum.IsDefined(types[id]))
                throw new CheckpointFormatException(FormatErrorKind.TokenizerFileInvalid, $"token {id} has type {(int)types[id]}", source);

        // The SentencePiece model ends at its last real piece; behind it the converter puts added tokens
        // (user-defined, or control with the added-token score) and padding slots (unused).
        int pieceCount = 0;
        for (int id = 0; id < tokens.Count; id++)
        {
            bool piece = types[id] switch
            {
                SentencePieceTokenType.Normal or SentencePieceTokenType.Unknown or SentencePieceTokenType.Byte => true,
                SentencePieceTokenType.Control => scores[id] != LlamaVocabulary.AddedTokenScore,
                _ => false,
            };
            if (piece) pieceCount = id + 1;
        }

        int unk = unkId ?? IndexOfType(types, SentencePieceTokenType.Unknown, pieceCount) ?? 0;
        int bos = bosId ?? 1, eos = eosId ?? 2;
        bool dummyPrefix = addSpacePrefix ?? true;
        var pieces = new SentencePieceToken[pieceCount];
        bool byteFallback = false;
        for (int id = 0; id < pieceCount; id++)
        {
            pieces[id] = new SentencePieceToken(tokens[id], scores[id], types[id]);
            byteFallback |= types[id] == SentencePieceTokenType.Byte;
        }
        var bpe = new SentencePieceBpe(pieces, byteFallback, source);
        var normalizer = new SentencePieceNormalizer(dummyPrefix, removeExtraWhitespaces: false, escapeWhitespaces: true);
        var table = new TokenTable(tokens, types, pieceCount, dummyPrefix, removeExtraWhitespaces: false, source);

        // Without special_tokens_map.json: the model's control/unknown pieces split as AddedToken(lstrip=rstrip=false)
        // would, tokens behind the model as plain strings (both sides stripped), as 4.28 treats LLaMA's files.
        var specials = new Dictionary<string, AddedToken>(StringComparer.Ordinal);
        for (int id = 0; id < tokens.Count; id++)
        {
            bool added = id >= pieceCount && types[id] is SentencePieceTokenType.UserDefined or SentencePieceTokenType.Control;
            bool control = id < pieceCount && types[id] is SentencePieceTokenType.Control or SentencePieceTokenType.Unknown;
            if ((added || control) && !specials.ContainsKey(tokens[id]))
                specials[tokens[id]] = new AddedToken(tokens[id], id, added, added, added);
        }
        return new LlamaTokenizer(bpe, normalizer, table, specials.Values.ToList(), bos, eos, unk, addBos ?? true,
            options ?? new LlamaTokenizerOptions());
    }

    private static int? IndexOfType(IReadOnlyList<SentencePieceTokenType> types, SentencePieceTokenType type, int count)
    {
        for (int i = 0; i < count; i++)
            if (types[i] == type) return i;
        return null;
    }

    /// <summary>
    /// Special tokens by key, from special_tokens_map.json, else tokenizer_config.json (transformers 4.28 lets the map
    /// override the config). A string is a plain token (stripped on both sides); an object gives lstrip/rstrip.
    /// </summary>
    private static Dictionary<string, (string, bool, bool)> ReadSpecialTokens(string directory, HfTokenizerFiles files)
    {
        var result = new Dictionary<string, (string, bool, bool)>(StringComparer.Ordinal);
        foreach (var token in HfTokenizerFiles.LoadSpecialTokensMap(directory).Concat(files.SpecialTokens))
            result.TryAdd(token.Key, (token.Content, token.LStrip, token.RStrip));
        return result;
    }
}
