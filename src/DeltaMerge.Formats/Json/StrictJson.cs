using System.Text.Json;
using System.Text.Json.Nodes;

namespace DeltaMerge.Formats.Json;

/// <summary>
/// JSON parsing that reports every malformation as a <see cref="JsonException"/> at parse time. System.Text.Json
/// decodes property names and strings lazily, so invalid UTF-8 or an escaped lone surrogate (<c>"\ud800"</c>) in an
/// untrusted file would otherwise surface later, wherever a value is first read, as an InvalidOperationException
/// that no reader expects; in a node tree, a property name given twice would throw ArgumentException when the node's
/// dictionary is built. Callers keep their own <c>catch (JsonException)</c> and error kind.
/// </summary>
public static class StrictJson
{
    /// <summary>Parses UTF-8 JSON into a node tree whose every name and string is known to decode.</summary>
    /// <exception cref="JsonException">Not valid JSON, a name or string that does not decode, or a duplicate name.</exception>
    public static JsonNode? Parse(ReadOnlySpan<byte> utf8)
    {
        using (var doc = Checked(JsonDocument.Parse(utf8.ToArray()), uniqueNames: true)) { }
        return JsonNode.Parse(utf8);
    }

    /// <summary>Parses JSON text into a node tree whose every name and string is known to decode.</summary>
    /// <exception cref="JsonException">Not valid JSON, a string with an escaped lone surrogate, or a duplicate name.</exception>
    public static JsonNode? Parse(string text)
    {
        using (var doc = Checked(JsonDocument.Parse(text), uniqueNames: true)) { }
        return JsonNode.Parse(text);
    }

    /// <summary>
    /// Parses UTF-8 JSON into a document whose every name and string is known to decode. Duplicate names stay allowed:
    /// a document reader sees them all and decides (Python's json keeps the last; safetensors refuses them).
    /// </summary>
    /// <exception cref="JsonException">Not valid JSON, or a name or string that does not decode.</exception>
    public static JsonDocument ParseDocument(ReadOnlyMemory<byte> utf8, JsonDocumentOptions options = default) => Checked(JsonDocument.Parse(utf8, options), uniqueNames: false);

    /// <summary>Parses JSON text into a document whose every name and string is known to decode (duplicates allowed).</summary>
    /// <exception cref="JsonException">Not valid JSON, or a string with an escaped lone surrogate.</exception>
    public static JsonDocument ParseDocument(string text, JsonDocumentOptions options = default) => Checked(JsonDocument.Parse(text, options), uniqueNames: false);

    private static JsonDocument Checked(JsonDocument doc, bool uniqueNames)
    {
        try
        {
            Decode(doc.RootElement, uniqueNames);
            return doc;
        }
        catch (InvalidOperationException e)
        {
            doc.Dispose();
            throw new JsonException($"a name or string does not decode: {e.Message}", e);
        }
    }

    private static void Decode(JsonElement element, bool uniqueNames)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var names = new HashSet<string>(StringComparer.Ordinal);
                foreach (JsonProperty p in element.EnumerateObject())
                {
                    // JsonNode builds a dictionary of the names when first read, which throws on a duplicate.
                    if (!names.Add(p.Name) && uniqueNames) throw new JsonException($"the property \"{p.Name}\" appears twice in one object.");
                    Decode(p.Value, uniqueNames);
                }
                break;
            case JsonValueKind.Array:
                foreach (JsonElement e in element.EnumerateArray()) Decode(e, uniqueNames);
                break;
            case JsonValueKind.String:
                _ = element.GetString();
                break;
        }
    }
}
