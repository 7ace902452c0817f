using System.Globalization;

namespace DeltaMerge.Formats.SentencePiece;

/// <summary>
/// LLaMA's GGUF vocabulary, built as llama.cpp's convert_hf_to_gguf.py builds it for a SentencePiece model
/// (<c>_create_vocab_sentencepiece</c>, then <c>gguf.SpecialVocab(dir, n_vocab=len(tokens))</c>): the parallel arrays
/// <c>tokenizer.ggml.tokens</c>/<c>scores</c>/<c>token_type</c>, the special token ids and the add-BOS/EOS flags.
/// </summary>
/// <remarks>
/// Rules, in order: (1) the size is config.json <c>vocab_size</c>, else the piece count; every slot starts as
/// <c>[PAD{id}]</c>, score -10000, <see cref="SentencePieceTokenType.Unused"/>. (2) Piece <c>i</c> fills slot <c>i</c> with
/// its text and score; its type is Unknown, Control, Unused or Byte as the piece says, otherwise Normal (a
/// UserDefined piece becomes Normal, as the converter asks the processor only those four questions). (3) Each
/// added_tokens.json entry sets its slot to the token, score -1000, UserDefined. (4) Each tokenizer_config.json
/// <c>added_tokens_decoder</c> entry sets its slot to its content, score -1000, Control when <c>special</c> is truthy or
/// the text looks special, else UserDefined with U+2581 replaced by a space. Where llama.cpp only warns and skips
/// (more pieces than <c>vocab_size</c>, an added id outside the vocabulary) this class throws, because the output's
/// embedding rows would no longer match its tokens.
/// </remarks>
public sealed class LlamaVocabulary
{
    /// <summary>Special token kinds gguf-py's SpecialVocab looks for, in its order (the order ids are written in).</summary>
    internal static readonly string[] SpecialTokenTypes = ["bos", "eos", "unk", "sep", "pad", "cls", "mask"];

    /// <summary>Score of a padding slot no piece or added token fills.</summary>
    public const float PaddingScore = -10000f;

    /// <summary>Score of a token from added_tokens.json or added_tokens_decoder.</summary>
    public const float AddedTokenScore = -1000f;

    private const string SentencePieceSpace = "\u2581";

    private LlamaVocabulary(string[] tokens, float[] scores, SentencePieceTokenType[] types,
        IReadOnlyList<KeyValuePair<string, int>> specialTokenIds, IReadOnlyList<KeyValuePair<string, bool>> addSpecialTokens,
        bool? addSpacePrefix)
    {
        Tokens = tokens;
        Scores = scores;
        TokenTypes = types;
        SpecialTokenIds = specialTokenIds;
        AddSpecialTokens = addSpecialTokens;
        AddSpacePrefix = addSpacePrefix;
    }

    /// <summary>Token texts (<c>tokenizer.ggml.tokens</c>); index = id.</summary>
    public IReadOnlyList<string> Tokens { get; }

    /// <summary>Token scores (<c>tokenizer.ggml.scores</c>).</summary>
    public IReadOnlyList<float> Scores { get; }

    /// <summary>Token types (<c>tokenizer.ggml.token_type</c>, the enum's integer values).</summary>
    public IReadOnlyList<SentencePieceTokenType> TokenTypes { get; }

    /// <summary>Number of tokens.</summary>
    public int Count => Tokens.Count;

    /// <summary>
    /// Special token ids (<c>tokenizer.ggml.{type}_token_id</c>) in the order SpecialVocab sets them: ids tokenizer.json
    /// gives the tokenizer_config.json <c>{type}_token</c> texts first, then config.json <c>{type}_token_id</c>; the first
    /// id found for a type wins, ids not below <see cref="Count"/> are skipped.
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, int>> SpecialTokenIds { get; }

    /// <summary>tokenizer_config.json <c>add_{type}_token</c> flags (<c>tokenizer.ggml.add_{type}_token</c>).</summary>
    public IReadOnlyList<KeyValuePair<string, bool>> AddSpecialTokens { get; }

    /// <summary>tokenizer_config.json <c>add_prefix_space</c> (<c>tokenizer.ggml.add_space_prefix</c>), when present.</summary>
    public bool? AddSpacePrefix { get; }

    /// <summary>The BOS id, when set.</summary>
    public int? BosId => SpecialId("bos");

    /// <summary>The EOS id, when set.</summary>
    public int? EosId => SpecialId("eos");

    /// <summary>The UNK id, when set (llama.cpp's SpecialVocab sets it only from the HF files, not from the model).</summary>
    public int? UnkId => SpecialId("unk");

    /// <summary>The padding id, when set.</summary>
    public int? PadId => SpecialId("pad");

    /// <summary><c>add_bos_token</c>, when tokenizer_config.json has it.</summary>
    public bool? AddBosToken => AddFlag("bos");

    /// <summary><c>add_eos_token</c>, when tokenizer_config.json has it.</summary>
    public bool? AddEosToken => AddFlag("eos");

    /// <summary>Reads <c>tokenizer.model</c> and the Hugging Face files of <paramref name="directory"/> and builds the vocabulary.</summary>
    /// <exception cref="CheckpointFormatException">A file is malformed or the ids do not fit; <see cref="CheckpointFormatException.Kind"/> says which rule.</exception>
    /// <exception cref="IOException">Reading failed, or tokenizer.model is missing.</exception>
    public static LlamaVocabulary Load(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        SentencePieceModel model = SentencePieceModel.LoadFile(Path.Combine(directory, "tokenizer.model"));
        return Build(model, HfTokenizerFiles.Load(directory));
    }

    /// <summary>Builds the vocabulary from a parsed model and the directory's other tokenizer files.</summary>
    /// <exception cref="CheckpointFormatException"><see cref="FormatErrorKind.VocabularyTooSmall"/> or
    /// <see cref="FormatErrorKind.AddedTokenOutOfRange"/>.</exception>
    public static LlamaVocabulary Build(SentencePieceModel model, HfTokenizerFiles files)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(files);
        int pieceCount = model.Pieces.Count;
        long declared = files.VocabSize ?? pieceCount;
        if (declared < pieceCount)
            throw new CheckpointFormatException(FormatErrorKind.VocabularyTooSmall,
                $"config.json vocab_size is {declared} but tokenizer.model has {pieceCount} pieces", HfTokenizerFiles.ConfigFileName);
        if (declared > Array.MaxLength)
            throw new CheckpointFormatException(FormatErrorKind.InvalidConfig, $"vocab_size {declared} is too large", HfTokenizerFiles.ConfigFileName);
        int n = (int)declared;

        var tokens = new string[n];
        var scores = new float[n];
        var types = new SentencePieceTokenType[n];
        for (int i = 0; i < n; i++)
        {
            tokens[i] = "[PAD" + i.ToString(CultureInfo.InvariantCulture) + "]";
            scores[i] = PaddingScore;
            types[i] = SentencePieceTokenType.Unused;
        }

        for (int i = 0; i < pieceCount; i++)
        {
            SentencePieceToken piece = model.Pieces[i];
            tokens[i] = piece.Text;
            scores[i] = piece.Score;
            types[i] = piece.Type switch
            {
                SentencePieceTokenType.Unknown or SentencePieceTokenType.Control or SentencePieceTokenType.Unused
                    or SentencePieceTokenType.Byte => piece.Type,
                _ => SentencePieceTokenType.Normal,
            };
        }

        foreach ((string text, long id) in files.AddedTokens)
        {
            int slot = Slot(id, n, text, HfTokenizerFiles.AddedTokensFileName);
            tokens[slot] = text;
            scores[slot] = AddedTokenScore;
            types[slot] = SentencePieceTokenType.UserDefined;
        }

        foreach (HfAddedToken added in files.AddedTokensDecoder)
        {
            int slot = Slot(added.Id, n, added.Content, HfTokenizerFiles.TokenizerConfigFileName);
            if (added.Special || LooksSpecial(added.Content))
            {
                tokens[slot] = added.Content;
                types[slot] = SentencePieceTokenType.Control;
            }
            else
            {
                // The converter pre-normalizes user-defined spaces.
                tokens[slot] = added.Content.Replace(SentencePieceSpace, " ", StringComparison.Ordinal);
                types[slot] = SentencePieceTokenType.UserDefined;
            }
            scores[slot] = AddedTokenScore;
        }

        return new LlamaVocabulary(tokens, scores, types, ResolveSpecialIds(files, n),
            files.HasTokenizerConfig ? files.AddSpecialTokens : [], files.AddPrefixSpace);
    }

    /// <summary>The converter's <c>does_token_look_special</c>: tokens some models forget to mark special.</summary>
    internal static bool LooksSpecial(string text) =>
        text is "<pad>" or "<mask>" or "<2mass>" or "[@BOS@]"
        || (text.StartsWith("<|", StringComparison.Ordinal) && text.EndsWith("|>", StringComparison.Ordinal))
        || (text.StartsWith("<\uFF5C", StringComparison.Ordinal) && text.EndsWith("\uFF5C>", StringComparison.Ordinal))
        || (text.StartsWith("<unused", StringComparison.Ordinal) && text.EndsWith('>'));

    private static int Slot(long id, int n, string text, string file)
    {
        if (id < 0 || id >= n)
            throw new CheckpointFormatException(FormatErrorKind.AddedTokenOutOfRange,
                $"added token '{text}' has id {id}, expected 0..{n - 1} (config.json vocab_size {n})", file);
        return (int)id;
    }

    private static List<KeyValuePair<string, int>> ResolveSpecialIds(HfTokenizerFiles files, int n)
    {
        var ids = new List<KeyValuePair<string, int>>();
        void Set(string type, long id)
        {
            // SpecialVocab._set_special_token: first value wins, ids past the vocabulary are skipped.
            if (id >= n || ids.Exists(p => p.Key == type)) return;
            ids.Add(new(type, (int)id));
        }

        if (files.HasTokenizerConfig)
        {
            foreach ((string type, string content) in files.SpecialTokenContents)
            {
                foreach ((string text, long? id) in files.FastTokenizerAddedTokens)
                {
                    if (text != content) continue;
                    if (id is long value)
                    {
                        if (value < 0)
                            throw new CheckpointFormatException(FormatErrorKind.TokenizerFileInvalid,
                                $"added token '{text}' has negative id {value}", HfTokenizerFiles.TokenizerJsonFileName);
                        Set(type, value);
                    }
                    break; // only the first token with this content counts
                }
            }
        }
        foreach ((string type, long id) in files.ConfigTokenIds) Set(type, id);
        return ids;
    }

    private int? SpecialId(string type)
    {
        foreach ((string key, int id) in SpecialTokenIds)
            if (key == type) return id;
        return null;
    }

    private bool? AddFlag(string type)
    {
        foreach ((string key, bool value) in AddSpecialTokens)
            if (key == type) return value;
        return null;
    }
}
