using System.Buffers.Binary;
using DeltaMerge.KernelCheck;
using DeltaMerge.Runtime.Kernels;

namespace DeltaMerge.Runtime.Tests.Kernels;

/// <summary>Widen gives exactly the conversion operators' bits for every pattern, on every instruction set.</summary>
public sealed unsafe class WidenTests
{
    // 257 columns: every pattern once (and a few twice), with rows that end in a scalar tail.
    private const int Columns = 257, Rows = 256;

    public static IEnumerable<TestCaseData> IsaAndSixteenBitType =>
        from isa in KernelCases.Isas from type in new[] { WeightType.F16, WeightType.BF16 } select new TestCaseData(isa, type);

    [TestCaseSource(nameof(IsaAndSixteenBitType))]
    public void EveryPatternWidensAsTheConversionOperator(KernelIsa isa, WeightType type)
    {
        KernelCases.Require(isa);
        var m = TestMatrix.FromBits(type, EveryPattern(), Rows, Columns);
        var wide = Widen(m, 0, Rows, isa);
        for (int i = 0; i < wide.Length; i++)
        {
            ushort bits = (ushort)i;
            int expected = type == WeightType.F16 ? BitConverter.SingleToInt32Bits((float)BitConverter.UInt16BitsToHalf(bits)) : bits << 16;
            if (BitConverter.SingleToInt32Bits(wide[i]) != expected)
                Assert.Fail($"{type} 0x{bits:X4}: 0x{BitConverter.SingleToInt32Bits(wide[i]):X8}, expected 0x{expected:X8}");
        }
    }

    [TestCaseSource(typeof(KernelCases), nameof(KernelCases.IsaAndType))]
    public void RowsWidenToTheirExactValues(KernelIsa isa, WeightType type)
    {
        KernelCases.Require(isa);
        int k = type == WeightType.Q8_0 ? 96 : 37;
        var m = TestMatrix.Random(type, 9, k, seed: 5);
        var wide = Widen(m, 2, 6, isa);
        for (int r = 0; r < 6; r++)
            for (int i = 0; i < k; i++)
                Assert.That(wide[r * k + i], Is.EqualTo(m.Value(2 + r, i)), $"row {2 + r} column {i}");
    }

    [TestCaseSource(typeof(KernelCases), nameof(KernelCases.Isas))]
    public void Q8ScalesIncludingSubnormalAndNegativeOnesWidenExactly(KernelIsa isa)
    {
        KernelCases.Require(isa);
        Half[] scales = [BitConverter.UInt16BitsToHalf(0x0001), BitConverter.UInt16BitsToHalf(0x03FF), Half.MaxValue, (Half)(-0.5f), Half.NegativeZero];
        var bytes = new byte[scales.Length * WeightMatrix.Q8BlockBytes];
        for (int b = 0; b < scales.Length; b++)
        {
            BinaryPrimitives.WriteHalfLittleEndian(bytes.AsSpan(b * WeightMatrix.Q8BlockBytes), scales[b]);
            for (int j = 0; j < WeightMatrix.Q8BlockElements; j++) bytes[b * WeightMatrix.Q8BlockBytes + 2 + j] = (byte)(sbyte)(j * 8 - 128);
        }
        var pinned = Pinned.Copy<byte>(bytes);
        var w = new WeightMatrix(Pinned.Pointer(pinned), WeightType.Q8_0, 1, scales.Length * WeightMatrix.Q8BlockElements);
        var wide = Pinned.Array<float>(w.Columns);
        MatVec.Widen(w, 0, 1, Pinned.Pointer(wide), isa);
        for (int i = 0; i < wide.Length; i++)
        {
            float expected = (float)scales[i / WeightMatrix.Q8BlockElements] * (sbyte)(i % WeightMatrix.Q8BlockElements * 8 - 128);
            Assert.That(BitConverter.SingleToInt32Bits(wide[i]), Is.EqualTo(BitConverter.SingleToInt32Bits(expected)), $"element {i}");
        }
    }

    [Test]
    public void TheScalarHalfConversionMatchesTheOperatorForEveryPattern()
    {
        for (int h = 0; h <= ushort.MaxValue; h++)
            Assert.That(BitConverter.SingleToInt32Bits(HalfWidening.Widen((ushort)h)),
                Is.EqualTo(BitConverter.SingleToInt32Bits((float)BitConverter.UInt16BitsToHalf((ushort)h))), $"half 0x{h:X4}");
    }

    [Test]
    public void RowsOutsideTheMatrixAreRefused()
    {
        var m = TestMatrix.Random(WeightType.F32, 4, 8, seed: 1);
        var wide = Pinned.Array<float>(64);
        Assert.Throws<ArgumentOutOfRangeException>(() => MatVec.Widen(m.Weights, 3, 2, Pinned.Pointer(wide)));
        Assert.Throws<ArgumentOutOfRangeException>(() => MatVec.Widen(m.Weights, -1, 1, Pinned.Pointer(wide)));
    }

    private static ushort[] EveryPattern() => Enumerable.Range(0, Rows * Columns).Select(i => (ushort)i).ToArray();

    private static float[] Widen(TestMatrix m, int rowStart, int rowCount, KernelIsa isa)
    {
        var wide = Pinned.Array<float>(rowCount * m.Weights.Columns);
        wide.AsSpan().Fill(float.NaN);
        MatVec.Widen(m.Weights, rowStart, rowCount, Pinned.Pointer(wide), isa);
        return wide;
    }
}
