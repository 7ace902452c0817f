namespace DeltaMerge.Runtime.Kernels;

/// <summary>
/// y = x·Wᵀ for a few activation rows (decode: one row per sequence), with W read in place in its stored type and x,
/// y float32: <c>y[r, o] = Σ_k W[o, k] · x[r, k]</c>, accumulated in float32. Each (r, o) is summed in one fixed order
/// that does not depend on how many rows are in the call or how the call is split among threads (docs/runtime.md,
/// "Kernels"); it may differ between instruction sets.
/// </summary>
public static unsafe class MatVec
{
    /// <summary>Multiplies <paramref name="rows"/> rows of <paramref name="x"/> [rows, w.Columns] into <paramref name="y"/> [rows, w.Rows].</summary>
    public static void Multiply(in WeightMatrix w, float* x, int rows, float* y, KernelPool pool) =>
        Multiply(w, x, rows, y, pool, KernelIsas.Best);

    /// <summary>As <see cref="Multiply(in WeightMatrix, float*, int, float*, KernelPool)"/> on a chosen instruction set (tests).</summary>
    /// <exception cref="PlatformNotSupportedException"><paramref name="isa"/> cannot run here.</exception>
    public static void Multiply(in WeightMatrix w, float* x, int rows, float* y, KernelPool pool, KernelIsa isa) =>
        Multiply(w, x, rows, y, pool, isa, MatVecJob.MinimumBytesPerThread);

    /// <summary>
    /// As <see cref="Multiply(in WeightMatrix, float*, int, float*, KernelPool, KernelIsa)"/>, splitting over threads
    /// only ranges of at least <paramref name="minimumBytesPerThread"/> weight bytes (tests pass 0 to split small matrices).
    /// </summary>
    internal static void Multiply(in WeightMatrix w, float* x, int rows, float* y, KernelPool pool, KernelIsa isa, long minimumBytesPerThread)
    {
        if (!KernelIsas.IsSupported(isa)) throw new PlatformNotSupportedException($"{isa} kernels cannot run on this machine.");
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentNullException.ThrowIfNull(pool);
        if (rows == 0) return;
        MatVecJob.ForCurrentThread().Run(pool, new MatVecCall(w, x, rows, y), RowKernels.For(isa, w.Type).Multiply, minimumBytesPerThread);
    }

    /// <summary>Writes logical rows [<paramref name="rowStart"/>, +<paramref name="rowCount"/>) of <paramref name="w"/> as float32 into <paramref name="destination"/> [rowCount, w.Columns].</summary>
    public static void Widen(in WeightMatrix w, int rowStart, int rowCount, float* destination) =>
        Widen(w, rowStart, rowCount, destination, KernelIsas.Best);

    /// <summary>As <see cref="Widen(in WeightMatrix, int, int, float*)"/> on a chosen instruction set (tests); every one gives the same bits.</summary>
    internal static void Widen(in WeightMatrix w, int rowStart, int rowCount, float* destination, KernelIsa isa)
    {
        if (!KernelIsas.IsSupported(isa)) throw new PlatformNotSupportedException($"{isa} kernels cannot run on this machine.");
        ArgumentOutOfRangeException.ThrowIfNegative(rowStart);
        ArgumentOutOfRangeException.ThrowIfNegative(rowCount);
        ArgumentOutOfRangeException.ThrowIfGreaterThan((long)rowStart + rowCount, w.Rows);
        RowKernels.For(isa, w.Type).Widen(w, rowStart, rowCount, destination);
    }
}
