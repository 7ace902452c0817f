using System.Text.Json;
using System.Text.Json.Nodes;
using DeltaMerge.Eval.Data;
using DeltaMerge.Formats.IO;
using DeltaMerge.Formats.Json;

namespace DeltaMerge.Eval.Running;

/// <summary>
/// Typed reads of what an earlier run left (run.json, predictions.jsonl records) for --resume: a value of the wrong
/// JSON type is a resume error naming the file, never an exception from System.Text.Json's typed getters.
/// </summary>
internal static class RunFile
{
    /// <summary>Parses run.json as a JSON object.</summary>
    /// <exception cref="EvalDataException"><see cref="EvalDataErrorKind.ResumeMismatch"/> when it is not one.</exception>
    public static JsonObject Read(string path)
    {
        try
        {
            return StrictJson.Parse(RegularFile.ReadAllText(path)) as JsonObject ?? throw new JsonException("not a JSON object");
        }
        catch (JsonException e)
        {
            throw new EvalDataException(EvalDataErrorKind.ResumeMismatch,
                $"the earlier run's record is not valid ({e.Message}); delete the output directory or run with --force.", path, inner: e);
        }
    }

    /// <summary>The string under <paramref name="key"/>, null when absent.</summary>
    /// <exception cref="EvalDataException"><see cref="EvalDataErrorKind.ResumeMismatch"/> for a value that is not a string.</exception>
    public static string? Text(JsonObject o, string key, string path, int? line = null)
    {
        JsonNode? node = o[key];
        if (node is null) return null;
        if (node is JsonValue v && v.GetValueKind() == JsonValueKind.String) return v.GetValue<string>();
        throw new EvalDataException(EvalDataErrorKind.ResumeMismatch, $"\"{key}\" must be a string, found {node.ToJsonString()}.", path,
            line is int n ? $"line {n}" : null);
    }

    /// <summary>The whole number under <paramref name="key"/>; null when absent or not an integer (the caller reports the mismatch).</summary>
    public static long? Integer(JsonObject o, string key) =>
        o[key] is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.TryGetValue(out long n) ? n : null;
}
