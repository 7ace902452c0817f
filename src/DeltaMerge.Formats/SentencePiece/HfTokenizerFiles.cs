using System.Text.Json;
using System.Text.Json.Nodes;
using DeltaMerge.Formats.HuggingFace;
using DeltaMerge.Formats.IO;

namespace DeltaMerge.Formats.SentencePiece;

/// <summary>
/// What llama.cpp's converter reads from a Hugging Face model directory besides <c>tokenizer.model</c>: config.json
/// (<c>vocab_size</c>, <c>*_token_id</c>), added_tokens.json, tokenizer_config.json (<c>added_tokens_decoder</c>,
/// <c>add_*_token</c>, <c>*_token</c>, <c>add_prefix_space</c>) and the <c>added_tokens</c> list of tokenizer.json.
/// A missing file counts as absent; special_tokens_map.json is not read because llama.cpp does not read it.
/// </summary>
public sealed class HfTokenizerFiles
{
    /// <summary>config.json.</summary>
    public const string ConfigFileName = HfConfig.FileName;
    /// <summary>added_tokens.json.</summary>
    public const string AddedTokensFileName = "added_tokens.json";
    /// <summary>tokenizer_config.json.</summary>
    public const string TokenizerConfigFileName = "tokenizer_config.json";
    /// <summary>special_tokens_map.json (read by transformers, not by llama.cpp: see <see cref="LoadSpecialTokensMap"/>).</summary>
    public const string SpecialTokensMapFileName = "special_tokens_map.json";
    /// <summary>tokenizer.json (the fast tokenizer).</summary>
    public const string TokenizerJsonFileName = "tokenizer.json";

    private const string TokenSuffix = "_token";

    private HfTokenizerFiles()
    {
    }

    /// <summary>config.json <c>vocab_size</c>; null when the file or the key is absent, null or 0 (the model's piece count applies).</summary>
    public long? VocabSize { get; private set; }

    /// <summary>added_tokens.json: token text and id, in file order; empty without the file.</summary>
    public IReadOnlyList<KeyValuePair<string, long>> AddedTokens { get; private set; } = [];

    /// <summary>tokenizer_config.json <c>add_prefix_space</c> when it is a boolean.</summary>
    public bool? AddPrefixSpace { get; private set; }

    /// <summary>tokenizer_config.json <c>added_tokens_decoder</c>, in file order.</summary>
    internal IReadOnlyList<HfAddedToken> AddedTokensDecoder { get; private set; } = [];

    /// <summary>Whether tokenizer_config.json exists and is a non-empty object (gguf-py reads add_*/ *_token only then).</summary>
    internal bool HasTokenizerConfig { get; private set; }

    /// <summary>tokenizer_config.json <c>add_{type}_token</c> booleans, in <see cref="LlamaVocabulary.SpecialTokenTypes"/> order.</summary>
    internal IReadOnlyList<KeyValuePair<string, bool>> AddSpecialTokens { get; private set; } = [];

    /// <summary>tokenizer_config.json <c>{type}_token</c> entries and <c>additional_special_tokens</c>, in that order.</summary>
    public IReadOnlyList<HfSpecialToken> SpecialTokens { get; private set; } = [];

    /// <summary>tokenizer_config.json <c>{type}_token</c> contents (a string or an AddedToken's <c>content</c>).</summary>
    internal IReadOnlyList<KeyValuePair<string, string>> SpecialTokenContents { get; private set; } = [];

    /// <summary>tokenizer.json <c>added_tokens</c>: content and id (null when not an integer), in file order.</summary>
    internal IReadOnlyList<KeyValuePair<string, long?>> FastTokenizerAddedTokens { get; private set; } = [];

    /// <summary>config.json <c>{type}_token_id</c> integers (root, else <c>text_config</c>), in type order.</summary>
    internal IReadOnlyList<KeyValuePair<string, long>> ConfigTokenIds { get; private set; } = [];

    /// <summary>Reads the files that exist in <paramref name="directory"/>.</summary>
    /// <exception cref="CheckpointFormatException">A file is malformed: <see cref="FormatErrorKind.InvalidConfig"/> for config.json,
    /// <see cref="FormatErrorKind.TokenizerFileInvalid"/> for the tokenizer files.</exception>
    /// <exception cref="IOException">Reading a file failed.</exception>
    public static HfTokenizerFiles Load(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        string? Read(string name)
        {
            string path = Path.Combine(directory, name);
            return File.Exists(path) ? RegularFile.ReadAllText(path) : null;
        }
        return FromConfig(HfConfig.Load(directory), Read(AddedTokensFileName), Read(TokenizerConfigFileName), Read(TokenizerJsonFileName));
    }

    /// <summary>Parses the files' texts; null stands for a missing file.</summary>
    /// <exception cref="CheckpointFormatException">A text is malformed (see <see cref="Load"/>).</exception>
    public static HfTokenizerFiles Parse(string? configJson, string? addedTokensJson, string? tokenizerConfigJson,
        string? tokenizerJson = null) =>
        FromConfig(configJson == null ? null : HfConfig.Parse(System.Text.Encoding.UTF8.GetBytes(configJson), ConfigFileName),
            addedTokensJson, tokenizerConfigJson, tokenizerJson);

    /// <summary>Reads the tokenizer facts of a parsed config.json and parses the tokenizer files' texts; null stands for a missing file.</summary>
    /// <exception cref="CheckpointFormatException">A value or text is malformed (see <see cref="Load"/>).</exception>
    public static HfTokenizerFiles FromConfig(JsonObject? config, string? addedTokensJson, string? tokenizerConfigJson, string? tokenizerJson = null)
    {
        var files = new HfTokenizerFiles();
        if (config != null) files.ReadConfig(config);
        if (addedTokensJson != null) files.ReadAddedTokens(addedTokensJson);
        if (tokenizerConfigJson != null) files.ReadTokenizerConfig(tokenizerConfigJson);
        if (tokenizerJson != null) files.ReadFastTokenizer(tokenizerJson);
        return files;
    }

    private void ReadConfig(JsonObject root)
    {
        if (root["vocab_size"] is { } vocab)
        {
            if (!TryGetInteger(vocab, out long n) || n < 0)
                throw Bad(FormatErrorKind.InvalidConfig, ConfigFileName, $"vocab_size: expected a non-negative integer, found {vocab.ToJsonString()}");
            VocabSize = n == 0 ? null : n; // Python: `vocab_size or tokenizer.vocab_size()`
        }

        var ids = new List<KeyValuePair<string, long>>();
        foreach (string type in LlamaVocabulary.SpecialTokenTypes)
        {
            string key = type + "_token_id";
            // gguf-py falls back to text_config (multimodal configs).
            JsonNode? id = root[key] ?? (root["text_config"] is JsonObject textConfig ? textConfig[key] : null);
            if (id is null || !TryGetInteger(id, out long value)) continue; // gguf-py ignores non-integers (a list of eos ids, say)
            if (value < 0) throw Bad(FormatErrorKind.InvalidConfig, ConfigFileName, $"{key} is negative: {value}");
            ids.Add(new(type, value));
        }
        ConfigTokenIds = ids;
    }

    /// <summary>A JSON integer (no fraction or exponent), as Python's <c>int</c> reads it; out-of-range values saturate.</summary>
    private static bool TryGetInteger(JsonNode node, out long value)
    {
        value = 0;
        if (node is not JsonValue v || v.GetValueKind() != JsonValueKind.Number) return false;
        string raw = v.ToJsonString();
        if (raw.AsSpan().IndexOfAny(".eE") >= 0) return false;
        if (!long.TryParse(raw, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out value))
            value = raw.StartsWith('-') ? long.MinValue : long.MaxValue;
        return true;
    }

    private void ReadAddedTokens(string text)
    {
        using JsonDocument doc = TokenizerJson.Parse(text, FormatErrorKind.TokenizerFileInvalid, AddedTokensFileName);
        if (doc.RootElement.ValueKind != JsonValueKind.Object)
            throw Bad(FormatErrorKind.TokenizerFileInvalid, AddedTokensFileName, "expected an object of token -> id");
        var tokens = new List<KeyValuePair<string, long>>();
        foreach ((string token, JsonElement id) in TokenizerJson.Properties(doc.RootElement))
        {
            if (!TokenizerJson.TryGetInteger(id, out long value))
                throw Bad(FormatErrorKind.TokenizerFileInvalid, AddedTokensFileName, $"'{token}': expected an integer id, found {id.GetRawText()}");
            tokens.Add(new(token, value));
        }
        AddedTokens = tokens;
    }

    private void ReadTokenizerConfig(string text)
    {
        const string file = TokenizerConfigFileName;
        using JsonDocument doc = TokenizerJson.Parse(text, FormatErrorKind.TokenizerFileInvalid, file);
        JsonElement root = doc.RootElement;
        if (root.ValueKind != JsonValueKind.Object) throw Bad(FormatErrorKind.TokenizerFileInvalid, file, "expected a JSON object");
        HasTokenizerConfig = root.EnumerateObject().Any();

        if (root.TryGetProperty("add_prefix_space", out JsonElement prefix) && prefix.ValueKind is JsonValueKind.True or JsonValueKind.False)
            AddPrefixSpace = prefix.GetBoolean();

        if (root.TryGetProperty("added_tokens_decoder", out JsonElement decoder) && decoder.ValueKind != JsonValueKind.Null)
        {
            if (decoder.ValueKind != JsonValueKind.Object)
                throw Bad(FormatErrorKind.TokenizerFileInvalid, file, "added_tokens_decoder: expected an object of id -> token");
            var entries = new List<HfAddedToken>();
            foreach ((string key, JsonElement data) in TokenizerJson.Properties(decoder))
            {
                if (!long.TryParse(key.Trim(), System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out long id))
                    throw Bad(FormatErrorKind.TokenizerFileInvalid, file, $"added_tokens_decoder: key '{key}' is not an integer id");
                if (data.ValueKind != JsonValueKind.Object || !data.TryGetProperty("content", out JsonElement content)
                    || content.ValueKind != JsonValueKind.String)
                    throw Bad(FormatErrorKind.TokenizerFileInvalid, file, $"added_tokens_decoder[{key}]: expected an object with a string 'content'");
                bool special = data.TryGetProperty("special", out JsonElement s) && TokenizerJson.IsTruthy(s);
                entries.Add(new HfAddedToken(id, content.GetString()!, special));
            }
            AddedTokensDecoder = entries;
        }

        var add = new List<KeyValuePair<string, bool>>();
        foreach (string type in LlamaVocabulary.SpecialTokenTypes)
            if (root.TryGetProperty($"add_{type}_token", out JsonElement flag) && flag.ValueKind is JsonValueKind.True or JsonValueKind.False)
                add.Add(new(type, flag.GetBoolean()));
        AddSpecialTokens = add;
        SpecialTokens = ReadSpecialTokens(root);
        // gguf-py reads the named types only (no additional_special_tokens).
        var named = SpecialTokens.ToDictionary(t => t.Key, StringComparer.Ordinal);
        SpecialTokenContents = LlamaVocabulary.SpecialTokenTypes.Where(type => named.ContainsKey(type + TokenSuffix))
            .Select(type => KeyValuePair.Create(type, named[type + TokenSuffix].Content)).ToList();
    }

    /// <summary>
    /// The special tokens of special_tokens_map.json in <paramref name="directory"/> (which transformers lets override
    /// tokenizer_config.json's); empty without the file.
    /// </summary>
    /// <exception cref="CheckpointFormatException"><see cref="FormatErrorKind.TokenizerFileInvalid"/>: not a JSON object.</exception>
    public static IReadOnlyList<HfSpecialToken> LoadSpecialTokensMap(string directory)
    {
        string path = Path.Combine(directory, SpecialTokensMapFileName);
        if (!File.Exists(path)) return [];
        using JsonDocument doc = TokenizerJson.Parse(RegularFile.ReadAllText(path), FormatErrorKind.TokenizerFileInvalid, path);
        if (doc.RootElement.ValueKind != JsonValueKind.Object) throw Bad(FormatErrorKind.TokenizerFileInvalid, path, "expected a JSON object");
        return ReadSpecialTokens(doc.RootElement);
    }

    /// <summary>
    /// <c>{type}_token</c> for each special type, then <c>additional_special_tokens</c>: a plain string, or an AddedToken
    /// object with a string <c>content</c>; anything else is ignored, as transformers 4.28 and gguf-py do.
    /// </summary>
    private static List<HfSpecialToken> ReadSpecialTokens(JsonElement root)
    {
        var tokens = new List<HfSpecialToken>();
        foreach (string type in LlamaVocabulary.SpecialTokenTypes)
            if (root.TryGetProperty(type + TokenSuffix, out JsonElement value) && SpecialToken(type + TokenSuffix, value) is { } token) tokens.Add(token);
        if (root.TryGetProperty("additional_special_tokens", out JsonElement extra) && extra.ValueKind == JsonValueKind.Array)
        {
            int n = 0;
            foreach (JsonElement value in extra.EnumerateArray())
                if (SpecialToken($"additional_special_tokens[{n}]", value) is { } token)
                {
                    tokens.Add(token);
                    n++;
                }
        }
        return tokens;
    }

    private static HfSpecialToken? SpecialToken(string key, JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.String) return new HfSpecialToken(key, value.GetString()!, LStrip: true, RStrip: true);
        if (value.ValueKind != JsonValueKind.Object || !value.TryGetProperty("content", out JsonElement content)
            || content.ValueKind != JsonValueKind.String) return null;
        bool Flag(string name) => value.TryGetProperty(name, out JsonElement f) && f.ValueKind == JsonValueKind.True;
        return new HfSpecialToken(key, content.GetString()!, Flag("lstrip"), Flag("rstrip"));
    }

    private void ReadFastTokenizer(string text)
    {
        const string file = TokenizerJsonFileName;
        using JsonDocument doc = TokenizerJson.Parse(text, FormatErrorKind.TokenizerFileInvalid, file);
        if (doc.RootElement.ValueKind != JsonValueKind.Object) throw Bad(FormatErrorKind.TokenizerFileInvalid, file, "expected a JSON object");
        if (!doc.RootElement.TryGetProperty("added_tokens", out JsonElement list) || list.ValueKind == JsonValueKind.Null) return;
        if (list.ValueKind != JsonValueKind.Array) throw Bad(FormatErrorKind.TokenizerFileInvalid, file, "added_tokens: expected an array");
        var tokens = new List<KeyValuePair<string, long?>>();
        foreach (JsonElement token in list.EnumerateArray())
        {
            if (token.ValueKind != JsonValueKind.Object) throw Bad(FormatErrorKind.TokenizerFileInvalid, file, "added_tokens: expected objects");
            if (!token.TryGetProperty("content", out JsonElement content) || content.ValueKind != JsonValueKind.String) continue;
            long? id = token.TryGetProperty("id", out JsonElement idElement) && TokenizerJson.TryGetInteger(idElement, out long v) ? v : null;
            tokens.Add(new(content.GetString()!, id));
        }
        FastTokenizerAddedTokens = tokens;
    }

    private static CheckpointFormatException Bad(FormatErrorKind kind, string file, string message) => new(kind, message, file);
}
