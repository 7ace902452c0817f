using DeltaMerge.Runtime.Kernels;

namespace DeltaMerge.KernelCheck;

/// <summary>
/// What the kernels should compute, in float64, and how close float32 must come: any order of K float32 FMAs
/// (and Q8_0's per-block sums) is within K·u·Σ|w·x| of the exact sum (u = 2^-24); the bound allows (K + 2)·u.
/// </summary>
internal static unsafe class KernelReference
{
    private const double UnitRoundoff = 1.0 / (1 << 24);

    /// <summary>Exact y [rows, w.Rows] and Σ|w·x| for each entry.</summary>
    public static (double[] Sum, double[] Magnitude) Expected(TestMatrix m, float[] x, int rows)
    {
        int outputs = m.Weights.Rows, k = m.Weights.Columns;
        var sum = new double[rows * outputs];
        var magnitude = new double[rows * outputs];
        for (int r = 0; r < rows; r++)
            for (int o = 0; o < outputs; o++)
            {
                double s = 0, a = 0;
                for (int i = 0; i < k; i++)
                {
                    double term = (double)m.Value(o, i) * x[r * k + i];
                    s += term;
                    a += Math.Abs(term);
                }
                sum[r * outputs + o] = s;
                magnitude[r * outputs + o] = a;
            }
        return (sum, magnitude);
    }

    /// <summary>Whether <paramref name="actual"/> is within the float32 error bound of <paramref name="expected"/>.</summary>
    public static bool Close(float actual, double expected, double magnitude, int k) =>
        Math.Abs(actual - expected) <= (k + 2) * UnitRoundoff * magnitude + 1e-37 || (double.IsNaN(expected) && float.IsNaN(actual)) || actual == expected;

    /// <summary>Random activations [rows, k] in [-1, 1], pinned.</summary>
    public static float[] Activations(int rows, int k, int seed)
    {
        var random = new Random(seed);
        var x = Pinned.Array<float>(rows * k);
        for (int i = 0; i < x.Length; i++) x[i] = (float)(random.NextDouble() * 2 - 1);
        return x;
    }

    /// <summary>
    /// y for <paramref name="rows"/> rows of <paramref name="x"/> on <paramref name="isa"/> (NaN wherever the kernel
    /// writes nothing), split over the pool however small the matrix.
    /// </summary>
    public static float[] Multiply(TestMatrix m, float[] x, int rows, KernelPool pool, KernelIsa isa)
    {
        var y = Pinned.Array<float>(rows * m.Weights.Rows);
        y.AsSpan().Fill(float.NaN);
        MatVec.Multiply(m.Weights, Pinned.Pointer(x), rows, Pinned.Pointer(y), pool, isa, minimumBytesPerThread: 0);
        return y;
    }
}
