using System.Text.Json;
using System.Text.Json.Nodes;

namespace DeltaMerge.Eval.Running;

/// <summary>Typed, required reads of a JSON object's fields; a missing or mistyped field is a FormatException naming it.</summary>
internal readonly struct JsonFields(JsonObject o)
{
    public string Text(string key) =>
        o[key] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : throw Wrong(key, "a string");

    public int Integer(string key) => IntegerOrNull(key) ?? throw Wrong(key, "a whole number");

    public int? IntegerOrNull(string key) => o[key] switch
    {
        null => null,
        JsonValue v when v.GetValueKind() == JsonValueKind.Number && v.TryGetValue(out int n) => n,
        _ => throw Wrong(key, "a whole number or null"),
    };

    public bool Boolean(string key) => o[key] is JsonValue v && v.GetValueKind() is JsonValueKind.True or JsonValueKind.False
        ? v.GetValue<bool>()
        : throw Wrong(key, "true or false");

    public IReadOnlyList<string> Texts(string key) =>
        o[key] is JsonArray a && a.All(n => n is JsonValue v && v.GetValueKind() == JsonValueKind.String)
            ? a.Select(n => n!.GetValue<string>()).ToArray()
            : throw Wrong(key, "an array of strings");

    public JsonObject? ObjectOrNull(string key) => o[key] switch
    {
        null => null,
        JsonObject x => x,
        _ => throw Wrong(key, "an object"),
    };

    private FormatException Wrong(string key, string expected) =>
        new($"\"{key}\" must be {expected}, found {(o.ContainsKey(key) ? o[key]?.ToJsonString() ?? "null" : "nothing")}.");
}
