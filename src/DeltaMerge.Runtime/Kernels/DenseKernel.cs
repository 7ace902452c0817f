using System.Runtime.CompilerServices;

namespace DeltaMerge.Runtime.Kernels;

/// <summary>
/// y = x·Wᵀ for dense weights. Each (r, o) is summed as: two accumulator vectors, a over even and b over odd vectors
/// of K (vector i covers elements [i·Width, (i+1)·Width)); a leftover whole vector goes to a; then Sum(a + b) (see
/// <see cref="ISimd{TVec}.Sum"/>); then the last K mod Width elements one by one with scalar FMA. A tile of activation
/// rows runs the same sequence for each row on the same weight vectors, so the result does not depend on the tile.
/// </summary>
internal readonly unsafe struct DenseKernel<TSimd, TVec, TFormat>
    : IRowKernel where TSimd : ISimd<TVec> where TVec : struct where TFormat : IDenseFormat
{
    /// <summary>One weight row against TTile.Count activation rows x (stride k), results at y (stride yStride).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Tile<TTile>(byte* row, int k, float* x, float* y, long yStride) where TTile : ITileRows
    {
        int width = TSimd.Width, n = TTile.Count;
        float* x0 = x, x1 = x + k, x2 = x + 2L * k, x3 = x + 3L * k;
        TVec a0 = TSimd.Zero, b0 = TSimd.Zero, a1 = TSimd.Zero, b1 = TSimd.Zero, a2 = TSimd.Zero, b2 = TSimd.Zero, a3 = TSimd.Zero, b3 = TSimd.Zero;
        int i = 0;
        for (; i <= k - 2 * width; i += 2 * width)
        {
            TVec even = TFormat.Load<TSimd, TVec>(row, i), odd = TFormat.Load<TSimd, TVec>(row, i + width);
            a0 = TSimd.MultiplyAdd(even, TSimd.Load(x0 + i), a0);
            b0 = TSimd.MultiplyAdd(odd, TSimd.Load(x0 + i + width), b0);
            if (n > 1)
            {
                a1 = TSimd.MultiplyAdd(even, TSimd.Load(x1 + i), a1);
                b1 = TSimd.MultiplyAdd(odd, TSimd.Load(x1 + i + width), b1);
            }
            if (n > 2)
            {
                a2 = TSimd.MultiplyAdd(even, TSimd.Load(x2 + i), a2);
                b2 = TSimd.MultiplyAdd(odd, TSimd.Load(x2 + i + width), b2);
            }
            if (n > 3)
            {
                a3 = TSimd.MultiplyAdd(even, TSimd.Load(x3 + i), a3);
                b3 = TSimd.MultiplyAdd(odd, TSimd.Load(x3 + i + width), b3);
            }
        }
        if (i <= k - width)
        {
            TVec even = TFormat.Load<TSimd, TVec>(row, i);
            a0 = TSimd.MultiplyAdd(even, TSimd.Load(x0 + i), a0);
            if (n > 1) a1 = TSimd.MultiplyAdd(even, TSimd.Load(x1 + i), a1);
            if (n > 2) a2 = TSimd.MultiplyAdd(even, TSimd.Load(x2 + i), a2);
            if (n > 3) a3 = TSimd.MultiplyAdd(even, TSimd.Load(x3 + i), a3);
            i += width;
        }
        y[0] = Finish(a0, b0, row, x0, i, k);
        if (n > 1) y[yStride] = Finish(a1, b1, row, x1, i, k);
        if (n > 2) y[2 * yStride] = Finish(a2, b2, row, x2, i, k);
        if (n > 3) y[3 * yStride] = Finish(a3, b3, row, x3, i, k);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Finish(TVec even, TVec odd, byte* row, float* x, int i, int k)
    {
        float sum = TSimd.Sum(TSimd.Add(even, odd));
        for (; i < k; i++) sum = MathF.FusedMultiplyAdd(TFormat.LoadOne(row, i), x[i], sum);
        return sum;
    }

    /// <summary>One row of k elements as float32, exactly.</summary>
    public static void WidenRow(byte* row, int k, float* destination)
    {
        int width = TSimd.Width, i = 0;
        for (; i <= k - width; i += width) TSimd.Store(TFormat.Load<TSimd, TVec>(row, i), destination + i);
        for (; i < k; i++) destination[i] = TFormat.LoadOne(row, i);
    }
}
