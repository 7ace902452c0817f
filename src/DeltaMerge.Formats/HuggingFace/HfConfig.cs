using System.Text.Json;
using System.Text.Json.Nodes;
using DeltaMerge.Formats.IO;
using DeltaMerge.Formats.Json;

namespace DeltaMerge.Formats.HuggingFace;

/// <summary>
/// Reading a Hugging Face <c>config.json</c>: strict JSON (no duplicate names, every string decodes), a JSON object.
/// Every reader of the file goes through here; what the fields mean is read by their users (the runtime's LlamaConfig,
/// GGUF hyperparameters, the tokenizer's special ids).
/// </summary>
public static class HfConfig
{
    /// <summary>The file name.</summary>
    public const string FileName = "config.json";

    /// <summary>Parses the file's bytes.</summary>
    /// <param name="utf8">The file's bytes.</param>
    /// <param name="path">Where they came from, for messages.</param>
    /// <exception cref="CheckpointFormatException"><see cref="FormatErrorKind.InvalidConfig"/>: not JSON, or not an object.</exception>
    public static JsonObject Parse(ReadOnlySpan<byte> utf8, string path)
    {
        try
        {
            return StrictJson.Parse(utf8) as JsonObject
                   ?? throw new CheckpointFormatException(FormatErrorKind.InvalidConfig, "expected a JSON object.", path);
        }
        catch (JsonException e)
        {
            throw new CheckpointFormatException(FormatErrorKind.InvalidConfig, $"not valid JSON: {e.Message}", path, inner: e);
        }
    }

    /// <summary>Reads <c>config.json</c> of <paramref name="directory"/>; null when there is none.</summary>
    /// <exception cref="CheckpointFormatException">See <see cref="Parse"/>.</exception>
    /// <exception cref="IOException">Reading failed.</exception>
    public static JsonObject? Load(string directory)
    {
        string path = Path.Combine(directory, FileName);
        return File.Exists(path) ? Parse(RegularFile.ReadAllBytes(path), path) : null;
    }
}
