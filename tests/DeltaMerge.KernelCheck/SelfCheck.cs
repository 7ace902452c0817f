using DeltaMerge.Runtime.Kernels;

namespace DeltaMerge.KernelCheck;

/// <summary>
/// The kernels on <see cref="KernelIsas.Best"/> against the float64 reference, a row alone against the same row in a
/// batch (bit for bit), and Widen against the conversion operators, for every weight type; prints what it found.
/// </summary>
internal static class SelfCheck
{
    private static readonly (int Outputs, int K)[] DenseShapes = [(17, 7), (33, 100), (5, 4099)];
    private static readonly (int Outputs, int K)[] Q8Shapes = [(17, 32), (33, 96), (5, 4128)];
    private static readonly int[] Batches = [1, 2, 3, 5, 16];

    /// <summary>Returns the number of mismatches.</summary>
    public static int Run(TextWriter output)
    {
        KernelIsa isa = KernelIsas.Best;
        output.WriteLine($"isa={isa}");
        int mismatches = 0;
        using var one = new KernelPool(1);
        using var two = new KernelPool(2);
        foreach (WeightType type in Enum.GetValues<WeightType>())
            foreach (var (outputs, k) in type == WeightType.Q8_0 ? Q8Shapes : DenseShapes)
            {
                var m = TestMatrix.Random(type, outputs, k, seed: outputs * 31 + k);
                var x = KernelReference.Activations(Batches[^1], k, seed: k);
                var (expected, magnitude) = KernelReference.Expected(m, x, Batches[^1]);
                var alone = KernelReference.Multiply(m, x, 1, one, isa);
                foreach (int rows in Batches)
                    foreach (var pool in new[] { one, two })
                    {
                        var y = KernelReference.Multiply(m, x, rows, pool, isa);
                        for (int i = 0; i < y.Length; i++)
                            if (!KernelReference.Close(y[i], expected[i], magnitude[i], k) || (i < outputs && BitConverter.SingleToInt32Bits(y[i]) != BitConverter.SingleToInt32Bits(alone[i])))
                            {
                                mismatches++;
                                output.WriteLine($"mismatch: {type} [{outputs}x{k}] rows={rows} threads={pool.Threads} at {i}: {y[i]} vs {expected[i]}");
                            }
                    }
            }
        mismatches += CheckHalfWidening(output, isa);
        output.WriteLine(mismatches == 0 ? "ok" : $"{mismatches} mismatches");
        return mismatches;
    }

    private static unsafe int CheckHalfWidening(TextWriter output, KernelIsa isa)
    {
        var bits = new ushort[65536];
        for (int i = 0; i < bits.Length; i++) bits[i] = (ushort)i;
        var m = TestMatrix.FromBits(WeightType.F16, bits, 256, 256);
        var wide = Pinned.Array<float>(bits.Length);
        MatVec.Widen(m.Weights, 0, 256, Pinned.Pointer(wide), isa);
        int wrong = 0;
        for (int i = 0; i < bits.Length; i++)
            if (BitConverter.SingleToInt32Bits(wide[i]) != BitConverter.SingleToInt32Bits((float)BitConverter.UInt16BitsToHalf(bits[i])))
                if (wrong++ < 5) output.WriteLine($"mismatch: half 0x{i:X4} widened to 0x{BitConverter.SingleToInt32Bits(wide[i]):X8}");
        return wrong;
    }
}
