using System.Runtime.InteropServices;
using System.Text.Json;
using DeltaMerge.Formats.Gguf;
using DeltaMerge.Tests.Shared;

namespace DeltaMerge.Formats.Tests.Gguf;

/// <summary>Q8_0, F16 and BF16 against bytes computed independently with numpy (scripts/fixtures/gguf_vectors.py).</summary>
public sealed class GgmlQuantizerTests
{
    private static string Fixture(string name) => Path.Combine(RepoPaths.Fixtures, "gguf", name);

    private static string[] Names(string list)
    {
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(Fixture("vectors.json")));
        return [.. doc.RootElement.GetProperty(list).EnumerateArray().Select(e => e.GetString()!)];
    }

    private static float[] Input(string name) => MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(Fixture(name + ".f32"))).ToArray();

    public static IEnumerable<string> Q8Vectors() => Names("q8_0");

    public static IEnumerable<string> ConvertVectors() => Names("convert");

    [TestCaseSource(nameof(Q8Vectors))]
    public void Q8_0IsBitIdenticalToGgml(string name)
    {
        float[] x = Input(name);
        var q = new byte[x.Length / 32 * 34];
        GgmlQuantizer.QuantizeQ8_0(x, q);
        Assert.That(q, Is.EqualTo(File.ReadAllBytes(Fixture(name + ".q8_0"))));
    }

    [TestCaseSource(nameof(ConvertVectors))]
    public void F16MatchesNumpy(string name)
    {
        float[] x = Input(name);
        var h = new byte[x.Length * 2];
        GgmlConvert.ToF16(x, h);
        Assert.That(h, Is.EqualTo(File.ReadAllBytes(Fixture(name + ".f16"))));
    }

    [TestCaseSource(nameof(ConvertVectors))]
    public void BF16MatchesGgml(string name)
    {
        float[] x = Input(name);
        var b = new byte[x.Length * 2];
        GgmlConvert.ToBF16(x, b);
        Assert.That(b, Is.EqualTo(File.ReadAllBytes(Fixture(name + ".bf16"))));
        GgmlConvert.ToBF16(x, b, flushSubnormals: true);
        Assert.That(b, Is.EqualTo(File.ReadAllBytes(Fixture(name + ".bf16flush"))));
    }

    [Test]
    public void BF16KeepsNaNQuiet()
    {
        float signalling = BitConverter.UInt32BitsToSingle(0x7F80_0001);
        Assert.That(GgmlConvert.ToBF16Bits(signalling), Is.EqualTo(0x7FC0));
        Assert.That(GgmlConvert.ToBF16Bits(BitConverter.UInt32BitsToSingle(0xFFC1_2345)), Is.EqualTo(0xFFC1));
        Assert.That(GgmlConvert.ToBF16Bits(float.PositiveInfinity), Is.EqualTo(0x7F80));
        Assert.That(GgmlConvert.FromBF16Bits(0x3F80), Is.EqualTo(1f));
    }

    [Test]
    public void Q8_0RoundTripIsClose()
    {
        float[] x = Input("random");
        var q = new byte[x.Length / 32 * 34];
        GgmlQuantizer.QuantizeQ8_0(x, q);
        var y = new float[x.Length];
        GgmlQuantizer.DequantizeQ8_0(q, y);
        float amax = x.Max(MathF.Abs);
        Assert.That(x.Zip(y).Max(p => MathF.Abs(p.First - p.Second)), Is.LessThanOrEqualTo(amax / 127));
    }

    [Test]
    public void Q8_0RejectsPartialBlocks()
    {
        Assert.Throws<ArgumentException>(() => GgmlQuantizer.QuantizeQ8_0(new float[33], new byte[68]));
        Assert.Throws<ArgumentException>(() => GgmlQuantizer.QuantizeQ8_0(new float[32], new byte[33]));
    }
}
