using System.Text.Json;
using DeltaMerge.Formats.IO;
using DeltaMerge.Formats.Json;

namespace DeltaMerge.Formats.HuggingFace;

/// <summary>A Hugging Face shard index (<c>model.safetensors.index.json</c>, <c>pytorch_model.bin.index.json</c>).</summary>
/// <param name="TotalSize">metadata.total_size, when given.</param>
/// <param name="WeightMap">Tensor name to shard file name, in the file's order.</param>
public sealed record ShardIndex(long? TotalSize, IReadOnlyList<KeyValuePair<string, string>> WeightMap)
{
    /// <summary>Shard file names, sorted (transformers numbers them <c>-00001-of-0000N</c>, so name order is shard order).</summary>
    public IReadOnlyList<string> Files => WeightMap.Select(p => p.Value).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();

    /// <summary>Parses an index file.</summary>
    /// <exception cref="CheckpointFormatException">Malformed JSON or structure (<see cref="FormatErrorKind.InvalidShardIndex"/>).</exception>
    public static ShardIndex Load(string path)
    {
        JsonDocument doc;
        try
        {
            doc = StrictJson.ParseDocument(RegularFile.ReadAllBytes(path));
        }
        catch (JsonException e)
        {
            throw new CheckpointFormatException(FormatErrorKind.InvalidShardIndex, $"not valid JSON: {e.Message}", path, inner: e);
        }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("weight_map", out var map) || map.ValueKind != JsonValueKind.Object)
                throw new CheckpointFormatException(FormatErrorKind.InvalidShardIndex, "expected an object with a \"weight_map\" object.", path);
            long? total = null;
            if (root.TryGetProperty("metadata", out var meta) && meta.ValueKind == JsonValueKind.Object &&
                meta.TryGetProperty("total_size", out var ts) && ts.ValueKind == JsonValueKind.Number && ts.TryGetInt64(out long t))
                total = t;
            var entries = new List<KeyValuePair<string, string>>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var p in map.EnumerateObject())
            {
                if (p.Value.ValueKind != JsonValueKind.String)
                    throw new CheckpointFormatException(FormatErrorKind.InvalidShardIndex, $"weight_map[\"{p.Name}\"] must be a file name string.", path, p.Name);
                string file = p.Value.GetString()!;
                if (file.Length == 0 || file.Contains('/', StringComparison.Ordinal) || file.Contains('\\', StringComparison.Ordinal) || file is "." or "..")
                    throw new CheckpointFormatException(FormatErrorKind.InvalidShardIndex, $"weight_map[\"{p.Name}\"] = \"{file}\" is not a plain file name in the same directory.", path, p.Name);
                if (!seen.Add(p.Name))
                    throw new CheckpointFormatException(FormatErrorKind.DuplicateTensor, "the weight map lists this tensor twice.", path, p.Name);
                entries.Add(new(p.Name, file));
            }
            return new ShardIndex(total, entries);
        }
    }
}
