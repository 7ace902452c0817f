using DeltaMerge.KernelCheck;
using DeltaMerge.Runtime.Kernels;

namespace DeltaMerge.Runtime.Tests.Kernels;

/// <summary>Subnormal, largest and signed-zero halves multiply exactly widened; inf and NaN weights propagate.</summary>
public sealed class ExtremeValueTests
{
    private const int K = 37;                       // a vector body, then a scalar tail on every instruction set
    private static readonly int[] Positions = [0, 17, K - 1];

    [TestCaseSource(typeof(KernelCases), nameof(KernelCases.Isas))]
    public void ExtremeFiniteHalvesMatchTheReference(KernelIsa isa)
    {
        KernelCases.Require(isa);
        ushort[] extremes = [0x0001, 0x03FF, 0x7BFF, 0x8000, 0x8001, 0x83FF, 0xFBFF, 0x0000, 0x0400, 0x3C00];
        var bits = new ushort[3 * K];
        for (int i = 0; i < bits.Length; i++) bits[i] = extremes[(i * 7 + i / K) % extremes.Length];
        var m = TestMatrix.FromBits(WeightType.F16, bits, 3, K);
        var x = KernelReference.Activations(2, K, seed: 3);
        var (expected, magnitude) = KernelReference.Expected(m, x, 2);
        using var pool = new KernelPool(2);
        var y = KernelReference.Multiply(m, x, 2, pool, isa);
        for (int i = 0; i < y.Length; i++)
            Assert.That(KernelReference.Close(y[i], expected[i], magnitude[i], K), $"y[{i}] = {y[i]:R}, expected {expected[i]:R}");
    }

    [TestCaseSource(typeof(KernelCases), nameof(KernelCases.Isas))]
    public void SubnormalHalvesAloneGiveTheirExactProducts(KernelIsa isa)
    {
        KernelCases.Require(isa);
        // One nonzero weight per row: the sum is one product, exact in float32.
        ushort[] subnormals = [0x0001, 0x03FF, 0x8001, 0x0200];
        foreach (int position in Positions)
        {
            var bits = new ushort[subnormals.Length * K];
            for (int r = 0; r < subnormals.Length; r++) bits[r * K + position] = subnormals[r];
            var m = TestMatrix.FromBits(WeightType.F16, bits, subnormals.Length, K);
            var x = Pinned.Array<float>(K);
            x.AsSpan().Fill(3f);
            using var pool = new KernelPool(1);
            var y = KernelReference.Multiply(m, x, 1, pool, isa);
            for (int r = 0; r < subnormals.Length; r++)
                Assert.That(y[r], Is.EqualTo((float)BitConverter.UInt16BitsToHalf(subnormals[r]) * 3f), $"half 0x{subnormals[r]:X4} at {position}");
        }
    }

    [TestCaseSource(typeof(KernelCases), nameof(KernelCases.Isas))]
    public void InfinitiesAndNaNsPropagate(KernelIsa isa)
    {
        KernelCases.Require(isa);
        // Rows: +inf, -inf, a quiet NaN, a signalling NaN pattern; in F16 and BF16.
        (WeightType Type, ushort[] Patterns)[] cases = [(WeightType.F16, [0x7C00, 0xFC00, 0x7E00, 0x7C01]), (WeightType.BF16, [0x7F80, 0xFF80, 0x7FC0, 0x7F81])];
        float[] expected = [float.PositiveInfinity, float.NegativeInfinity, float.NaN, float.NaN];
        foreach (var (type, patterns) in cases)
            foreach (int position in Positions)
            {
                var bits = new ushort[patterns.Length * K];
                for (int i = 0; i < bits.Length; i++) bits[i] = type == WeightType.F16 ? (ushort)0x3C00 : (ushort)0x3F80;   // 1.0
                for (int r = 0; r < patterns.Length; r++) bits[r * K + position] = patterns[r];
                var m = TestMatrix.FromBits(type, bits, patterns.Length, K);
                var x = Pinned.Array<float>(K);
                x.AsSpan().Fill(0.5f);
                using var pool = new KernelPool(2);
                var y = KernelReference.Multiply(m, x, 1, pool, isa);
                Assert.That(y, Is.EqualTo(expected), $"{type} with the special value at {position}");
            }
    }

    [TestCaseSource(typeof(KernelCases), nameof(KernelCases.Isas))]
    public void AnInfiniteQ8ScaleGivesInfinity(KernelIsa isa)
    {
        KernelCases.Require(isa);
        var bytes = Pinned.Array<byte>(2 * WeightMatrix.Q8BlockBytes);
        for (int b = 0; b < 2; b++)
        {
            BitConverter.TryWriteBytes(bytes.AsSpan(b * WeightMatrix.Q8BlockBytes), (ushort)(b == 0 ? 0x3C00 : 0x7C00));
            bytes.AsSpan(b * WeightMatrix.Q8BlockBytes + 2, WeightMatrix.Q8BlockElements).Fill(1);
        }
        unsafe
        {
            var w = new WeightMatrix(Pinned.Pointer(bytes), WeightType.Q8_0, 1, 2 * WeightMatrix.Q8BlockElements);
            var x = Pinned.Array<float>(w.Columns);
            x.AsSpan().Fill(0.25f);
            var y = Pinned.Array<float>(1);
            using var pool = new KernelPool(1);
            MatVec.Multiply(w, Pinned.Pointer(x), 1, Pinned.Pointer(y), pool, isa);
            Assert.That(y[0], Is.EqualTo(float.PositiveInfinity));
        }
    }
}
