using DeltaMerge.Formats.IO;
using DeltaMerge.Formats.Pickle;
using DeltaMerge.Formats.Safetensors;

namespace DeltaMerge.Formats.HuggingFace;

/// <summary>Reads the tensor table of one weight file, choosing the format by its extension.</summary>
public static class WeightFileReader
{
    /// <summary>Tensor entries of a safetensors file or a torch.save zip (<c>.bin</c>, <c>.pth</c>).</summary>
    /// <exception cref="CheckpointFormatException">The file is malformed or of another format.</exception>
    public static IReadOnlyList<TensorEntry> ReadEntries(IByteReader reader)
    {
        // .safetensors files say so; everything else a model directory names (.bin, .pth, .pt) is a torch.save file,
        // whose reader also explains the legacy non-zip format precisely.
        return Path.GetExtension(reader.FilePath).Equals(".safetensors", StringComparison.OrdinalIgnoreCase)
            ? SafetensorsHeader.Read(reader).Tensors
            : TorchZipCheckpoint.ReadTensors(reader);
    }
}
