using System.Runtime.CompilerServices;

namespace DeltaMerge.Runtime.Kernels;

/// <summary>
/// y = x·Wᵀ for one weight format on one instruction set. Each (r, o) is summed in one order: one accumulator vector,
/// acc = FMA(W[o, vector v], x[r, vector v], acc) for v = 0, 1, ... over the whole vectors of K; then
/// <see cref="ISimd{TVec}.Sum"/>(acc); then the last K mod Width elements one by one with scalar FMA. A tile of
/// output rows × activation rows runs that same sequence for each of its (r, o) on shared weight and activation
/// loads, so the result depends neither on the tile nor on which thread ran it.
/// </summary>
internal static unsafe class MatVecKernel<TSimd, TVec, TFormat>
    where TSimd : ISimd<TVec> where TVec : struct where TFormat : IWeightFormat
{
    /// <summary>Output rows [first, end) for every activation row: tiles of 4 (or 2) output rows, then single rows.</summary>
    public static void Range(in MatVecCall call, int first, int end)
    {
        int o = first;
        if (TFormat.CostlyToWiden && TSimd.TileRows == 4 && call.Rows >= 4)
            for (; o + 2 <= end; o += 2) ActivationTiles<Tiles.Two>(call, o);
        for (; o + 4 <= end; o += 4) ActivationTiles<Tiles.Four>(call, o);
        for (; o < end; o++) ActivationTiles<Tiles.One>(call, o);
    }

    /// <summary>TOutputs output rows from <paramref name="o"/> against all activation rows, in tiles of <see cref="ISimd{TVec}.TileRows"/>, 2, 1.</summary>
    private static void ActivationTiles<TOutputs>(in MatVecCall call, int o) where TOutputs : ITileSize
    {
        var w = call.Weights;
        int k = w.Columns, n = TOutputs.Count;
        // The tile's weight rows stay in L1/L2 across the activation tiles, so memory sees them once per call.
        byte* w0 = w.RowPointer(o), w1 = n > 1 ? w.RowPointer(o + 1) : w0, w2 = n > 2 ? w.RowPointer(o + 2) : w0, w3 = n > 3 ? w.RowPointer(o + 3) : w0;
        int r = 0;
        if (TSimd.TileRows == 4)
            for (; r + 4 <= call.Rows; r += 4) Tile<TOutputs, Tiles.Four>(w0, w1, w2, w3, k, call.X + (long)r * k, call.Y + (long)r * w.Rows + o, w.Rows);
        for (; r + 2 <= call.Rows; r += 2) Tile<TOutputs, Tiles.Two>(w0, w1, w2, w3, k, call.X + (long)r * k, call.Y + (long)r * w.Rows + o, w.Rows);
        if (r < call.Rows) Tile<TOutputs, Tiles.One>(w0, w1, w2, w3, k, call.X + (long)r * k, call.Y + (long)r * w.Rows + o, w.Rows);
    }

    /// <summary>
    /// Weight rows w0.. (TOutputs of them) against activation rows x (TRows of them, stride k); y[j·yStride + i] gets
    /// activation row j against weight row i.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // fully optimised from the first call: no slow warm-up tokens
    private static void Tile<TOutputs, TRows>(byte* w0, byte* w1, byte* w2, byte* w3, int k, float* x, float* y, long yStride)
        where TOutputs : ITileSize where TRows : ITileSize
    {
        int width = TSimd.Width, no = TOutputs.Count, nr = TRows.Count;
        float* x0 = x, x1 = x + k, x2 = x + 2L * k, x3 = x + 3L * k;
        // c{activation row}{output row}
        TVec c00 = TSimd.Zero, c01 = c00, c02 = c00, c03 = c00, c10 = c00, c11 = c00, c12 = c00, c13 = c00;
        TVec c20 = c00, c21 = c00, c22 = c00, c23 = c00, c30 = c00, c31 = c00, c32 = c00, c33 = c00;
        int i = 0;
        for (; i <= k - width; i += width)
        {
            TVec v0 = TFormat.Load<TSimd, TVec>(w0, i);
            TVec v1 = no > 1 ? TFormat.Load<TSimd, TVec>(w1, i) : v0;
            TVec v2 = no > 2 ? TFormat.Load<TSimd, TVec>(w2, i) : v0;
            TVec v3 = no > 3 ? TFormat.Load<TSimd, TVec>(w3, i) : v0;
            Accumulate<TOutputs>(v0, v1, v2, v3, TSimd.Load(x0 + i), ref c00, ref c01, ref c02, ref c03);
            if (nr > 1) Accumulate<TOutputs>(v0, v1, v2, v3, TSimd.Load(x1 + i), ref c10, ref c11, ref c12, ref c13);
            if (nr > 2) Accumulate<TOutputs>(v0, v1, v2, v3, TSimd.Load(x2 + i), ref c20, ref c21, ref c22, ref c23);
            if (nr > 3) Accumulate<TOutputs>(v0, v1, v2, v3, TSimd.Load(x3 + i), ref c30, ref c31, ref c32, ref c33);
        }
        Finish<TOutputs>(c00, c01, c02, c03, w0, w1, w2, w3, x0, i, k, y);
        if (nr > 1) Finish<TOutputs>(c10, c11, c12, c13, w0, w1, w2, w3, x1, i, k, y + yStride);
        if (nr > 2) Finish<TOutputs>(c20, c21, c22, c23, w0, w1, w2, w3, x2, i, k, y + 2 * yStride);
        if (nr > 3) Finish<TOutputs>(c30, c31, c32, c33, w0, w1, w2, w3, x3, i, k, y + 3 * yStride);
    }

    /// <summary>One activation vector a against the tile's weight vectors: one FMA per (r, o).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Accumulate<TOutputs>(TVec v0, TVec v1, TVec v2, TVec v3, TVec a, ref TVec c0, ref TVec c1, ref TVec c2, ref TVec c3)
        where TOutputs : ITileSize
    {
        int no = TOutputs.Count;
        c0 = TSimd.MultiplyAdd(v0, a, c0);
        if (no > 1) c1 = TSimd.MultiplyAdd(v1, a, c1);
        if (no > 2) c2 = TSimd.MultiplyAdd(v2, a, c2);
        if (no > 3) c3 = TSimd.MultiplyAdd(v3, a, c3);
    }

    /// <summary>One activation row's results for the tile's output rows.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Finish<TOutputs>(TVec c0, TVec c1, TVec c2, TVec c3, byte* w0, byte* w1, byte* w2, byte* w3, float* x, int i, int k, float* y)
        where TOutputs : ITileSize
    {
        int no = TOutputs.Count;
        y[0] = Finish(c0, w0, x, i, k);
        if (no > 1) y[1] = Finish(c1, w1, x, i, k);
        if (no > 2) y[2] = Finish(c2, w2, x, i, k);
        if (no > 3) y[3] = Finish(c3, w3, x, i, k);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Finish(TVec accumulator, byte* row, float* x, int i, int k)
    {
        float sum = TSimd.Sum(accumulator);
        for (; i < k; i++) sum = MathF.FusedMultiplyAdd(TFormat.LoadOne(row, i), x[i], sum);
        return sum;
    }

    /// <summary>Logical rows [rowStart, +rowCount) of <paramref name="w"/> as float32 rows at <paramref name="destination"/>, exactly.</summary>
    public static void Widen(in WeightMatrix w, int rowStart, int rowCount, float* destination)
    {
        int k = w.Columns, width = TSimd.Width;
        for (int r = 0; r < rowCount; r++)
        {
            byte* row = w.RowPointer(rowStart + r);
            float* d = destination + (long)r * k;
            int i = 0;
            for (; i <= k - width; i += width) TSimd.Store(TFormat.Load<TSimd, TVec>(row, i), d + i);
            for (; i < k; i++) d[i] = TFormat.LoadOne(row, i);
        }
    }
}
