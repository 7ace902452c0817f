using DeltaMerge.KernelCheck;
using DeltaMerge.Runtime.Kernels;

namespace DeltaMerge.Runtime.Tests.Kernels;

/// <summary>A row's result is the same bits alone, at any position of a batch of any size, and under any thread split.</summary>
public sealed unsafe class BatchInvarianceTests
{
    private const int Outputs = 37, Rows = 16;

    [TestCaseSource(typeof(KernelCases), nameof(KernelCases.IsaAndType))]
    public void ARowIsTheSameBitsInEveryBatchAndSplit(KernelIsa isa, WeightType type)
    {
        KernelCases.Require(isa);
        int k = type == WeightType.Q8_0 ? 1024 + 64 : 1000 + 13;   // vector body, an odd vector, a scalar tail
        var m = TestMatrix.Random(type, Outputs, k, seed: 11);
        var x = KernelReference.Activations(Rows, k, seed: 12);
        var alone = new float[Rows][];
        using (var one = new KernelPool(1))
            for (int r = 0; r < Rows; r++) alone[r] = MultiplySlice(m, x, r, 1, one, isa);

        int compared = 0;
        foreach (int threads in new[] { 1, 2, 3 })
        {
            using var pool = new KernelPool(threads);
            for (int batch = 2; batch <= Rows; batch++)
                for (int start = 0; start + batch <= Rows; start += Math.Max(1, batch / 2))
                {
                    var y = MultiplySlice(m, x, start, batch, pool, isa);
                    for (int r = 0; r < batch; r++)
                        for (int o = 0; o < Outputs; o++)
                        {
                            float inBatch = y[r * Outputs + o], single = alone[start + r][o];
                            if (BitConverter.SingleToInt32Bits(inBatch) != BitConverter.SingleToInt32Bits(single))
                                Assert.Fail($"row {start + r} at position {r} of {batch} on {threads} threads: y[{o}] = {inBatch:R}, alone {single:R}");
                            compared++;
                        }
                }
        }
        Assert.That(compared, Is.GreaterThan(1000));
    }

    private static float[] MultiplySlice(TestMatrix m, float[] x, int firstRow, int rows, KernelPool pool, KernelIsa isa)
    {
        var y = Pinned.Array<float>(rows * Outputs);
        y.AsSpan().Fill(float.NaN);
        MatVec.Multiply(m.Weights, Pinned.Pointer(x) + (long)firstRow * m.Weights.Columns, rows, Pinned.Pointer(y), pool, isa, minimumBytesPerThread: 0);
        return y;
    }
}
