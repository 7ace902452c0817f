using DeltaMerge.Formats;
using DeltaMerge.Formats.IO;
using DeltaMerge.Formats.Safetensors;

namespace DeltaMerge.Tests.Shared;

/// <summary>Edits of copied fixtures that several test projects need.</summary>
internal static class FixtureEdits
{
    /// <summary>
    /// Copies of the tiny base and delta (safetensors) with the fp16 stress elements that the PyTorch reference zeroes
    /// zeroed in both (0 + 0 = 0): merged, they give the reference's weights; left in, they make every logit NaN.
    /// </summary>
    public static (string Base, string Delta) SanitizedTinyInputs(TempDirectory temp)
    {
        var zeroed = ReferenceForward.Load("forward-f32.json").Zeroed;
        return (ZeroInFile(temp.CopyOf(RepoPaths.Tiny("base-safetensors"), "base"), zeroed),
            ZeroInFile(temp.CopyOf(RepoPaths.Tiny("delta-safetensors"), "delta"), zeroed));
    }

    /// <summary>Zeroes the listed elements of a copied directory's model.safetensors in place (any float type).</summary>
    public static string ZeroInFile(string dir, IEnumerable<(string Tensor, int Row, int Column)> elements)
    {
        string file = Path.Combine(dir, "model.safetensors");
        var writes = new List<(long Offset, int Size)>();
        using (var reader = new FileByteReader(file))
        {
            var header = SafetensorsHeader.Read(reader);
            foreach (var (tensor, row, column) in elements)
            {
                var e = header.TensorsByName[tensor];
                int size = DTypeInfo.SizeOf(e.DType);
                writes.Add((e.Offset + (row * e.Shape[1] + column) * size, size));
            }
        }
        using var f = new FileStream(file, FileMode.Open, FileAccess.Write);
        foreach (var (offset, size) in writes)
        {
            f.Position = offset;
            f.Write(new byte[size]);
        }
        File.Delete(Path.Combine(dir, "SHA256SUMS"));
        return dir;
    }
}
