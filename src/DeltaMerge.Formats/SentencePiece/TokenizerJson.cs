using System.Text.Json;
using DeltaMerge.Formats.Json;

namespace DeltaMerge.Formats.SentencePiece;

/// <summary>JSON reading with Python's meaning: what <c>json.load</c> calls an int, and what <c>if value:</c> calls true.</summary>
internal static class TokenizerJson
{
    private static readonly JsonDocumentOptions Options = new() { AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Disallow };

    /// <summary>Parses a whole file; a number too large for any .NET type (model_max_length 1e30) stays raw text.</summary>
    public static JsonDocument Parse(string text, FormatErrorKind kind, string file)
    {
        try
        {
            return StrictJson.ParseDocument(text, Options);
        }
        catch (JsonException e)
        {
            throw new CheckpointFormatException(kind, "not valid JSON: " + e.Message, file, inner: e);
        }
    }

    /// <summary>
    /// True for a JSON number written without fraction or exponent (a Python int); values beyond <see cref="long"/>
    /// saturate, which is enough for range checks.
    /// </summary>
    public static bool TryGetInteger(JsonElement element, out long value)
    {
        value = 0;
        if (element.ValueKind != JsonValueKind.Number) return false;
        string raw = element.GetRawText();
        if (raw.AsSpan().IndexOfAny(".eE") >= 0) return false;
        if (!element.TryGetInt64(out value)) value = raw.StartsWith('-') ? long.MinValue : long.MaxValue;
        return true;
    }

    /// <summary>Python truthiness of a JSON value.</summary>
    public static bool IsTruthy(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.Number => element.GetDouble() != 0,
        JsonValueKind.String => element.GetString()!.Length > 0,
        JsonValueKind.Array => element.GetArrayLength() > 0,
        JsonValueKind.Object => element.EnumerateObject().Any(),
        _ => false,
    };

    /// <summary>
    /// An object's properties as a Python dict holds them: a repeated key keeps its first position and its last value.
    /// </summary>
    public static List<KeyValuePair<string, JsonElement>> Properties(JsonElement obj)
    {
        var result = new List<KeyValuePair<string, JsonElement>>();
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (JsonProperty p in obj.EnumerateObject())
        {
            if (index.TryGetValue(p.Name, out int i)) result[i] = new(p.Name, p.Value);
            else
            {
                index[p.Name] = result.Count;
                result.Add(new(p.Name, p.Value));
            }
        }
        return result;
    }
}
