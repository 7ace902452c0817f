namespace DeltaMerge.Runtime.Kernels;

/// <summary>
/// y = x·Wᵀ for a few activation rows (decode: one row per sequence), with W read in place in its stored type and x,
/// y float32: <c>y[r, o] = Σ_k W[o, k] · x[r, k]</c>, accumulated in float32. Each (r, o) is summed in one fixed order
/// that does not depend on how many rows are in the call or how the call is split among threads.
/// </summary>
public static unsafe class MatVec
{
    /// <summary>Multiplies <paramref name="rows"/> rows of <paramref name="x"/> [rows, w.Columns] into <paramref name="y"/> [rows, w.Rows].</summary>
    public static void Multiply(in WeightMatrix w, float* x, int rows, float* y, KernelPool pool) =>
        Multiply(w, x, rows, y, pool, KernelIsas.Best);

    /// <summary>As <see cref="Multiply(in WeightMatrix, float*, int, float*, KernelPool)"/> on a chosen instruction set (tests).</summary>
    /// <exception cref="PlatformNotSupportedException"><paramref name="isa"/> cannot run here.</exception>
    public static void Multiply(in WeightMatrix w, float* x, int rows, float* y, KernelPool pool, KernelIsa isa)
    {
        if (!KernelIsas.IsSupported(isa)) throw new PlatformNotSupportedException($"{isa} kernels cannot run on this machine.");
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        var matrix = w;
        nint xs = (nint)x, ys = (nint)y;
        pool.Run(w.Rows, (first, end) => ScalarRows(matrix, (float*)xs, rows, (float*)ys, first, end));
    }

    /// <summary>Writes logical rows [<paramref name="rowStart"/>, +<paramref name="rowCount"/>) of <paramref name="w"/> as float32 into <paramref name="destination"/> [rowCount, w.Columns].</summary>
    public static void Widen(in WeightMatrix w, int rowStart, int rowCount, float* destination)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rowStart);
        ArgumentOutOfRangeException.ThrowIfGreaterThan((long)rowStart + rowCount, w.Rows);
        for (int r = 0; r < rowCount; r++)
        {
            byte* p = w.RowPointer(rowStart + r);
            float* d = destination + (long)r * w.Columns;
            for (int k = 0; k < w.Columns; k++) d[k] = Element(w.Type, p, k);
        }
    }

    private static void ScalarRows(WeightMatrix w, float* x, int rows, float* y, int first, int end)
    {
        int n = w.Columns;
        for (int o = first; o < end; o++)
        {
            byte* p = w.RowPointer(o);
            for (int r = 0; r < rows; r++)
            {
                float* xr = x + (long)r * n;
                float sum = 0;
                for (int k = 0; k < n; k++) sum = MathF.FusedMultiplyAdd(Element(w.Type, p, k), xr[k], sum);
                y[(long)r * w.Rows + o] = sum;
            }
        }
    }

    private static float Element(WeightType type, byte* row, int k) => type switch
    {
        WeightType.F32 => ((float*)row)[k],
        WeightType.F16 => (float)((Half*)row)[k],
        WeightType.BF16 => BitConverter.Int32BitsToSingle(((ushort*)row)[k] << 16),
        WeightType.Q8_0 => (float)*(Half*)(row + k / WeightMatrix.Q8BlockElements * WeightMatrix.Q8BlockBytes)
                           * ((sbyte*)row)[k / WeightMatrix.Q8BlockElements * WeightMatrix.Q8BlockBytes + 2 + k % WeightMatrix.Q8BlockElements],
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };
}
