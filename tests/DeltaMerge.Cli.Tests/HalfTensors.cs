using DeltaMerge.Formats;
using DeltaMerge.Formats.HuggingFace;
using DeltaMerge.Formats.IO;
using DeltaMerge.Formats.Safetensors;

namespace DeltaMerge.Cli.Tests;

/// <summary>Reads every fp16 tensor of a safetensors model directory as floats.</summary>
internal static class HalfTensors
{
    public static Dictionary<string, float[]> Read(string dir)
    {
        var result = new Dictionary<string, float[]>();
        foreach (string file in ModelDirectory.Open(dir).WeightFiles)
        {
            using var reader = new FileByteReader(file);
            var st = SafetensorsFile.Open(reader);
            foreach (var t in st.Tensors)
            {
                Assert.That(t.DType, Is.EqualTo(DType.F16), t.Name);
                byte[] bytes = st.ReadTensor(t.Name);
                var values = new float[bytes.Length / 2];
                for (int i = 0; i < values.Length; i++) values[i] = (float)BitConverter.ToHalf(bytes, 2 * i);
                result[t.Name] = values;
            }
        }
        return result;
    }
}
