using DeltaMerge.Formats.HuggingFace;
using DeltaMerge.Formats.IO;
using DeltaMerge.Formats.Safetensors;

namespace DeltaMerge.Pipeline.Tests;

/// <summary>Compares a merged output directory with a PyTorch reference, tensor by tensor, bit for bit.</summary>
internal static class MergeAssert
{
    public static void TensorsBitIdentical(string outputDir, string expectedSafetensorsDir)
    {
        var expected = ReadAll(expectedSafetensorsDir);
        var actual = ReadAll(outputDir);
        Assert.That(actual.Keys.Order(), Is.EqualTo(expected.Keys.Order()), "tensor names");
        foreach (var (name, (dtype, shape, bytes)) in expected)
        {
            var (aType, aShape, aBytes) = actual[name];
            Assert.That(aType, Is.EqualTo(dtype), name);
            Assert.That(aShape, Is.EqualTo(shape), name);
            int firstDiff = aBytes.AsSpan().CommonPrefixLength(bytes);
            Assert.That(firstDiff, Is.EqualTo(bytes.Length), $"{name}: first differing byte at {firstDiff}");
        }
    }

    public static Dictionary<string, (Formats.DType DType, long[] Shape, byte[] Bytes)> ReadAll(string dir)
    {
        var model = ModelDirectory.Open(dir);
        var result = new Dictionary<string, (Formats.DType, long[], byte[])>();
        foreach (string file in model.WeightFiles)
        {
            using var reader = new FileByteReader(file);
            var st = SafetensorsFile.Open(reader);
            foreach (var t in st.Tensors) result[t.Name] = (t.DType, t.Shape, st.ReadTensor(t.Name));
        }
        return result;
    }
}
