using DeltaMerge.KernelCheck;
using DeltaMerge.Runtime.Kernels;

namespace DeltaMerge.Runtime.Tests.Kernels;

/// <summary>
/// Every kernel against a float64 reference on odd shapes: any float32 summation of K products is within
/// (K + 2)·2^-24·Σ|w·x| of the exact sum (<see cref="KernelReference.Close"/>), a bound a wrong element, a skipped tail
/// or a misplaced row breaks by orders of magnitude.
/// </summary>
public sealed class MatVecAccuracyTests
{
    private static readonly int[] OutputCounts = [1, 3, 17, 101];
    private static readonly int[] Batches = [1, 2, 3, 5, 16, 17];

    [TestCaseSource(typeof(KernelCases), nameof(KernelCases.IsaAndType))]
    public void MatchesTheFloat64Reference(KernelIsa isa, WeightType type)
    {
        KernelCases.Require(isa);
        using var one = new KernelPool(1);
        using var two = new KernelPool(2);
        using var three = new KernelPool(3);
        int checkedValues = 0;
        foreach (int outputs in OutputCounts)
            foreach (int k in KernelCases.Widths(type))
            {
                var m = TestMatrix.Random(type, outputs, k, seed: outputs * 7919 + k);
                var x = KernelReference.Activations(Batches[^1], k, seed: k);
                var (expected, magnitude) = KernelReference.Expected(m, x, Batches[^1]);
                foreach (int rows in Batches)
                    foreach (var pool in new[] { one, two, three })
                    {
                        var y = KernelReference.Multiply(m, x, rows, pool, isa);
                        for (int i = 0; i < y.Length; i++)
                            if (!KernelReference.Close(y[i], expected[i], magnitude[i], k))
                                Assert.Fail($"[{outputs}x{k}] rows={rows} threads={pool.Threads}: y[{i / outputs}, {i % outputs}] = {y[i]:R}, expected {expected[i]:R} (Σ|w·x| = {magnitude[i]:G4})");
                        checkedValues += y.Length;
                    }
            }
        Assert.That(checkedValues, Is.GreaterThan(0));
    }

    [TestCaseSource(typeof(KernelCases), nameof(KernelCases.IsaAndType))]
    public void NoRowsOrNoColumnsGiveNothingOrZeros(KernelIsa isa, WeightType type)
    {
        KernelCases.Require(isa);
        using var pool = new KernelPool(2);
        var m = TestMatrix.Random(type, 5, 0, seed: 1);
        var y = KernelReference.Multiply(m, Pinned.Array<float>(0), 3, pool, isa);
        Assert.That(y, Is.All.EqualTo(0f));
        Assert.That(KernelReference.Multiply(TestMatrix.Random(type, 5, 32, seed: 2), Pinned.Array<float>(0), 0, pool, isa), Is.Empty);
    }

    [Test]
    public void AnUnsupportedInstructionSetIsRefused()
    {
        var unsupported = KernelCases.Isas.Where(isa => !KernelIsas.IsSupported(isa)).ToList();
        Assume.That(unsupported, Is.Not.Empty, "this machine runs every instruction set");
        using var pool = new KernelPool(1);
        var m = TestMatrix.Random(WeightType.F32, 1, 8, seed: 3);
        Assert.Throws<PlatformNotSupportedException>(() => KernelReference.Multiply(m, Pinned.Array<float>(8), 1, pool, unsupported[0]));
    }

    [Test]
    public void BestIsTheWidestSupported()
    {
        var widest = KernelCases.Isas.Where(KernelIsas.IsSupported).Max();
        Assert.That(KernelIsas.Best, Is.EqualTo(widest));
    }
}
