using System.Text.Json;
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
    public const string ConfigFileName = "config.json";
    /// <summary>added_tokens.json.</summary>
    public const string AddedTokensFileName = "added_tokens.json";
    /// <summary>tokenizer_config.json.</summary>
    public const string TokenizerConfigFileName = "tokenizer_config.json";
    /// <summary>tokenizer.json (the fast tokenizer).</summary>
    public const string TokenizerJsonFileName = "tokenizer.json";

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
        return Parse(Read(ConfigFileName), Read(AddedTokensFileName), Read(TokenizerConfigFileName), Read(TokenizerJsonFileName));
    }

    /// <summary>Parses the files' texts; null stands for a missing file.</summary>
    /// <exception cref="CheckpointFormatException">A text is malformed (see <see cref="Load"/>).</exception>
    public static HfTokenizerFiles Parse(string? configJson, string? addedTokensJson, string? tokenizerConfigJson,
        string? tokenizerJson = null)
    {
        var files = new HfTokenizerFiles();
        if (configJson != null) files.ReadConfig(configJson);
        if (addedTokensJson != null) files.ReadAddedTokens(addedTokensJson);
        if (tokenizerConfigJson != null) files.ReadTokenizerConfig(tokenizerConfigJson);
        if (tokenizerJson != null) files.ReadFastTokenizer(tokenizerJson);
        return files;
    }

    private void ReadConfig(string text)
    {
        using JsonDocument doc = TokenizerJson.Parse(text, FormatErrorKind.InvalidConfig, ConfigFileName);
        JsonElement root = doc.RootElement;
        if (root.ValueKind != JsonValueKind.Object) throw Bad(FormatErrorKind.InvalidConfig, ConfigFileName, "expected a JSON object");
        if (root.TryGetProperty("vocab_size", out JsonElement vocab) && vocab.ValueKind != JsonValueKind.Null)
        {
            if (!TokenizerJson.TryGetInteger(vocab, out long n) || n < 0)
                throw Bad(FormatErrorKind.InvalidConfig, ConfigFileName, $"vocab_size: expected a non-negative integer, found {vocab.GetRawText()}");
            VocabSize = n == 0 ? null : n; // Python: `vocab_size or tokenizer.vocab_size()`
        }

        var ids = new List<KeyValuePair<string, long>>();
        foreach (string type in LlamaVocabulary.SpecialTokenTypes)
        {
            string key = type + "_token_id";
            if (!root.TryGetProperty(key, out JsonElement id) || id.ValueKind == JsonValueKind.Null)
            {
                // gguf-py falls back to text_config (multimodal configs).
                if (!root.TryGetProperty("text_config", out JsonElement textConfig) || textConfig.ValueKind != JsonValueKind.Object
                    || !textConfig.TryGetProperty(key, out id))
                    continue;
            }
            if (!TokenizerJson.TryGetInteger(id, out long value)) continue; // gguf-py ignores non-integers (a list of eos ids, say)
            if (value < 0) throw Bad(FormatErrorKind.InvalidConfig, ConfigFileName, $"{key} is negative: {value}");
            ids.Add(new(type, value));
        }
        ConfigTokenIds = ids;
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
        var contents = new List<KeyValuePair<string, string>>();
        foreach (string type in LlamaVocabulary.SpecialTokenTypes)
        {
            if (root.TryGetProperty($"add_{type}_token", out JsonElement flag) && flag.ValueKind is JsonValueKind.True or JsonValueKind.False)
                add.Add(new(type, flag.GetBoolean()));
            if (!root.TryGetProperty(type + "_token", out JsonElement entry)) continue;
            // A plain string, or an AddedToken object {"content": ...}; anything else is ignored as gguf-py does.
            if (entry.ValueKind == JsonValueKind.String) contents.Add(new(type, entry.GetString()!));
            else if (entry.ValueKind == JsonValueKind.Object && entry.TryGetProperty("content", out JsonElement c) && c.ValueKind == JsonValueKind.String)
                contents.Add(new(type, c.GetString()!));
        }
        AddSpecialTokens = add;
        SpecialTokenContents = contents;
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
