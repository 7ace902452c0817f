using System.Runtime.CompilerServices;

namespace DeltaMerge.Runtime.Kernels;

/// <summary>
/// y = x·Wᵀ for Q8_0 weights. Each (r, o) is summed per block b as a vector s_b = q_0·x_0 + q_1·x_1 + ... over the
/// block's 32 / Width vectors (multiply, then FMA in order); then acc = FMA(float(d_b), s_b, acc), with even blocks in
/// accumulator a and odd ones in b; then Sum(a + b) (see <see cref="ISimd{TVec}.Sum"/>). A tile of activation rows
/// runs the same sequence for each row on the same weight vectors, so the result does not depend on the tile.
/// </summary>
internal readonly unsafe struct Q8Kernel<TSimd, TVec> : IRowKernel where TSimd : ISimd<TVec> where TVec : struct
{
    /// <summary>One weight row against TTile.Count activation rows x (stride k), results at y (stride yStride).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Tile<TTile>(byte* row, int k, float* x, float* y, long yStride) where TTile : ITileRows
    {
        const int block = WeightMatrix.Q8BlockElements;
        int width = TSimd.Width, n = TTile.Count;
        TVec a0 = TSimd.Zero, b0 = TSimd.Zero, a1 = TSimd.Zero, b1 = TSimd.Zero, a2 = TSimd.Zero, b2 = TSimd.Zero, a3 = TSimd.Zero, b3 = TSimd.Zero;
        for (int i = 0; i < k; i += block, row += WeightMatrix.Q8BlockBytes)
        {
            sbyte* q = (sbyte*)(row + 2);
            float* x0 = x + i, x1 = x0 + k, x2 = x1 + k, x3 = x2 + k;
            TVec values = TSimd.WidenSByte(q);
            TVec s0 = TSimd.Multiply(values, TSimd.Load(x0)), s1 = TSimd.Zero, s2 = TSimd.Zero, s3 = TSimd.Zero;
            if (n > 1) s1 = TSimd.Multiply(values, TSimd.Load(x1));
            if (n > 2) s2 = TSimd.Multiply(values, TSimd.Load(x2));
            if (n > 3) s3 = TSimd.Multiply(values, TSimd.Load(x3));
            for (int j = width; j < block; j += width)
            {
                values = TSimd.WidenSByte(q + j);
                s0 = TSimd.MultiplyAdd(values, TSimd.Load(x0 + j), s0);
                if (n > 1) s1 = TSimd.MultiplyAdd(values, TSimd.Load(x1 + j), s1);
                if (n > 2) s2 = TSimd.MultiplyAdd(values, TSimd.Load(x2 + j), s2);
                if (n > 3) s3 = TSimd.MultiplyAdd(values, TSimd.Load(x3 + j), s3);
            }
            TVec scale = TSimd.Broadcast(HalfWidening.Widen(*(ushort*)row));
            if ((i & block) == 0)
            {
                a0 = TSimd.MultiplyAdd(scale, s0, a0);
                if (n > 1) a1 = TSimd.MultiplyAdd(scale, s1, a1);
                if (n > 2) a2 = TSimd.MultiplyAdd(scale, s2, a2);
                if (n > 3) a3 = TSimd.MultiplyAdd(scale, s3, a3);
            }
            else
            {
                b0 = TSimd.MultiplyAdd(scale, s0, b0);
                if (n > 1) b1 = TSimd.MultiplyAdd(scale, s1, b1);
                if (n > 2) b2 = TSimd.MultiplyAdd(scale, s2, b2);
                if (n > 3) b3 = TSimd.MultiplyAdd(scale, s3, b3);
            }
        }
        y[0] = TSimd.Sum(TSimd.Add(a0, b0));
        if (n > 1) y[yStride] = TSimd.Sum(TSimd.Add(a1, b1));
        if (n > 2) y[2 * yStride] = TSimd.Sum(TSimd.Add(a2, b2));
        if (n > 3) y[3 * yStride] = TSimd.Sum(TSimd.Add(a3, b3));
    }

    /// <summary>One row of k elements as float32: float(d)·q is exact (11 × 8 significant bits).</summary>
    public static void WidenRow(byte* row, int k, float* destination)
    {
        const int block = WeightMatrix.Q8BlockElements;
        int width = TSimd.Width;
        for (int i = 0; i < k; i += block, row += WeightMatrix.Q8BlockBytes)
        {
            TVec scale = TSimd.Broadcast(HalfWidening.Widen(*(ushort*)row));
            for (int j = 0; j < block; j += width) TSimd.Store(TSimd.Multiply(scale, TSimd.WidenSByte((sbyte*)(row + 2) + j)), destination + i + j);
        }
    }
}
