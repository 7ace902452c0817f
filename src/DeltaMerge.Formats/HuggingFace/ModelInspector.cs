using System.Text.Json.Nodes;
using DeltaMerge.Formats.IO;
using DeltaMerge.Formats.Pickle;
using DeltaMerge.Formats.Safetensors;

namespace DeltaMerge.Formats.HuggingFace;

/// <summary>Describes a model directory or a single weight file: format, config summary and tensor table.</summary>
public static class ModelInspector
{
    /// <summary>The config.json fields shown in a summary.</summary>
    public static readonly IReadOnlyList<string> ConfigSummaryKeys =
    [
        "architectures", "model_type", "hidden_size", "intermediate_size", "num_hidden_layers", "num_attention_heads",
        "num_key_value_heads", "vocab_size", "max_position_embeddings", "rms_norm_eps", "rope_theta", "torch_dtype",
    ];

    /// <summary>Inspects <paramref name="path"/> (a directory, a .safetensors, .gguf or torch.save file).</summary>
    /// <exception cref="CheckpointFormatException">The path is missing, invalid or truncated.</exception>
    public static InspectionResult Inspect(string path)
    {
        string full = Path.GetFullPath(path);
        if (Directory.Exists(full))
        {
            var model = ModelDirectory.Open(full);
            var readers = new List<IByteReader>();
            try
            {
                var tensors = model.ReadTensors(p =>
                {
                    var r = new FileByteReader(p);
                    readers.Add(r);
                    return r;
                });
                return new InspectionResult(full, model.Layout.ToString(), Summary(model.ReadConfig()), Rows(tensors, full), new Dictionary<string, string>());
            }
            finally
            {
                foreach (var r in readers) r.Dispose();
            }
        }
        if (!File.Exists(full)) throw new CheckpointFormatException(FormatErrorKind.ModelNotFound, "no such file or directory.", full);
        using var reader = new FileByteReader(full);
        if (full.EndsWith(".gguf", StringComparison.OrdinalIgnoreCase))
        {
            var gguf = Gguf.GgufReader.Open(reader);
            var tensors = gguf.Tensors.Select(t => new InspectedTensor(t.Name, t.Type.ToString(), t.Shape, t.ByteLength, Path.GetFileName(full))).ToList();
            var metadata = gguf.Metadata.ToDictionary(kv => kv.Key, kv => Describe(kv.Value));
            metadata["gguf.version"] = gguf.Version.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return new InspectionResult(full, "gguf", new Dictionary<string, JsonNode?>(), tensors, metadata);
        }
        if (full.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase))
        {
            var header = SafetensorsHeader.Read(reader);
            return new InspectionResult(full, "safetensors", new Dictionary<string, JsonNode?>(), Rows(header.Tensors, Path.GetDirectoryName(full)!), header.Metadata);
        }
        var checkpoint = TorchZipCheckpoint.Read(reader);
        return new InspectionResult(full, "torch.save zip", new Dictionary<string, JsonNode?>(), Rows(checkpoint.Tensors, Path.GetDirectoryName(full)!),
            new Dictionary<string, string> { ["archive_prefix"] = checkpoint.ArchivePrefix });
    }

    /// <summary>A GGUF value as text; arrays longer than a few items are summarised.</summary>
    private static string Describe(Gguf.GgufValue value)
    {
        const int Shown = 8;
        if (value.Value is Array array)
        {
            var items = array.Cast<object>().Take(Shown).Select(v => Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture));
            return $"[{string.Join(", ", items)}{(array.Length > Shown ? $", ... ({array.Length} items)" : "")}]";
        }
        return Convert.ToString(value.Value, System.Globalization.CultureInfo.InvariantCulture) ?? "";
    }

    private static IReadOnlyDictionary<string, JsonNode?> Summary(JsonObject? config)
    {
        var summary = new Dictionary<string, JsonNode?>();
        if (config == null) return summary;
        foreach (string key in ConfigSummaryKeys)
            if (config.TryGetPropertyValue(key, out var value)) summary[key] = value?.DeepClone();
        return summary;
    }

    private static List<InspectedTensor> Rows(IReadOnlyList<TensorEntry> tensors, string root) =>
        tensors.Select(t => new InspectedTensor(t.Name, DTypeInfo.SafetensorsName(t.DType), t.Shape, t.ByteLength, Path.GetRelativePath(root, t.FilePath))).ToList();
}

/// <summary>What <see cref="ModelInspector.Inspect"/> found.</summary>
/// <param name="Path">The inspected path.</param>
/// <param name="Format">Directory layout or file format.</param>
/// <param name="Config">Selected config.json fields.</param>
/// <param name="Tensors">Tensors in storage order.</param>
/// <param name="Metadata">File-level metadata (safetensors <c>__metadata__</c>, GGUF key/values).</param>
public sealed record InspectionResult(string Path, string Format, IReadOnlyDictionary<string, JsonNode?> Config, IReadOnlyList<InspectedTensor> Tensors,
    IReadOnlyDictionary<string, string> Metadata)
{
    /// <summary>Total tensor bytes.</summary>
    public long TotalBytes => Tensors.Sum(t => t.Bytes);
}

/// <summary>One tensor of an inspection.</summary>
/// <param name="Name">Name.</param>
/// <param name="DType">Element type name.</param>
/// <param name="Shape">Shape (PyTorch order).</param>
/// <param name="Bytes">Bytes of data.</param>
/// <param name="File">File holding it, relative to the inspected directory.</param>
public sealed record InspectedTensor(string Name, string DType, IReadOnlyList<long> Shape, long Bytes, string File);
