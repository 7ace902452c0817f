using DeltaMerge.KernelCheck;
using DeltaMerge.Runtime.Kernels;

namespace DeltaMerge.Runtime.Tests.Kernels;

/// <summary>With a row map, logical row o is stored row RowMap[o], for Multiply and Widen.</summary>
public sealed unsafe class RowMapTests
{
    private const int Outputs = 19;

    [TestCaseSource(typeof(KernelCases), nameof(KernelCases.IsaAndType))]
    public void MultiplyReadsTheMappedRows(KernelIsa isa, WeightType type)
    {
        KernelCases.Require(isa);
        int k = type == WeightType.Q8_0 ? 64 : 45;
        int[] map = Enumerable.Range(0, Outputs).Select(o => (o * 7 + 3) % Outputs).ToArray();
        var plain = TestMatrix.Random(type, Outputs, k, seed: 21);
        var mapped = TestMatrix.Random(type, Outputs, k, seed: 21, map);
        var x = KernelReference.Activations(3, k, seed: 22);
        using var pool = new KernelPool(2);
        var y = KernelReference.Multiply(plain, x, 3, pool, isa);
        var yMapped = KernelReference.Multiply(mapped, x, 3, pool, isa);
        for (int r = 0; r < 3; r++)
            for (int o = 0; o < Outputs; o++)
                Assert.That(yMapped[r * Outputs + o], Is.EqualTo(y[r * Outputs + map[o]]), $"row {r}, output {o}");
    }

    [TestCaseSource(typeof(KernelCases), nameof(KernelCases.IsaAndType))]
    public void WidenReadsTheMappedRows(KernelIsa isa, WeightType type)
    {
        KernelCases.Require(isa);
        int k = type == WeightType.Q8_0 ? 64 : 45;
        int[] map = Enumerable.Range(0, Outputs).Reverse().ToArray();
        var mapped = TestMatrix.Random(type, Outputs, k, seed: 23, map);
        var wide = Pinned.Array<float>(4 * k);
        MatVec.Widen(mapped.Weights, 5, 4, Pinned.Pointer(wide), isa);
        var plain = TestMatrix.Random(type, Outputs, k, seed: 23);
        for (int r = 0; r < 4; r++)
            for (int i = 0; i < k; i++)
                Assert.That(wide[r * k + i], Is.EqualTo(plain.Value(Outputs - 1 - (5 + r), i)), $"logical row {5 + r}, column {i}");
    }
}
