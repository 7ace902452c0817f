using DeltaMerge.Formats;
using DeltaMerge.Formats.HuggingFace;
using DeltaMerge.Formats.IO;

namespace DeltaMerge.Demo;

/// <summary>An fp16 tensor read from a model directory.</summary>
/// <param name="Shape">Its shape.</param>
/// <param name="Values">Its elements, row-major.</param>
public sealed record HalfTensor(long[] Shape, Half[] Values);

/// <summary>Reads every tensor of an fp16 model directory (any shard layout) into memory: the demo's models are small.</summary>
public static class ModelTensors
{
    /// <summary>The tensors of the model in <paramref name="directory"/>, by name.</summary>
    /// <exception cref="CheckpointFormatException">A malformed model.</exception>
    public static IReadOnlyDictionary<string, HalfTensor> ReadF16(string directory)
    {
        var model = ModelDirectory.Open(directory);
        var readers = new Dictionary<string, IByteReader>(StringComparer.Ordinal);
        try
        {
            var entries = model.ReadTensors(path => readers.TryGetValue(path, out var r) ? r : readers[path] = new FileByteReader(path));
            var tensors = new Dictionary<string, HalfTensor>(StringComparer.Ordinal);
            foreach (var e in entries)
            {
                if (e.DType != DType.F16)
                    throw new InvalidOperationException($"{e.Name} in {e.FilePath} is {e.DType}; the demo writes and reads fp16 models only.");
                var values = new Half[e.ElementCount];
                readers[e.FilePath].ReadExactly(e.Offset, System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()));
                tensors.Add(e.Name, new HalfTensor(e.Shape, values));
            }
            return tensors;
        }
        finally
        {
            foreach (var r in readers.Values) r.Dispose();
        }
    }
}
