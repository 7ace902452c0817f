using System.Runtime.Intrinsics;

namespace DeltaMerge.Runtime.Kernels;

/// <summary>Runs an <see cref="IRowKernel"/> over ranges of rows, and picks the kernel for a weight type and instruction set.</summary>
internal static unsafe class RowKernels
{
    /// <summary>Output rows [first, end) of a call for all its activation rows: full tiles of <see cref="TileRows.Max"/>, then one smaller tile.</summary>
    public static void Range<TKernel>(in MatVecCall call, int first, int end) where TKernel : IRowKernel
    {
        int k = call.Weights.Columns, outputs = call.Weights.Rows;
        for (int o = first; o < end; o++)
        {
            // The weight row stays in L1/L2 across the tiles, so memory sees it once per call.
            byte* row = call.Weights.RowPointer(o);
            int r = 0;
            for (; r + TileRows.Max <= call.Rows; r += TileRows.Max)
                TKernel.Tile<TileRows.Four>(row, k, call.X + (long)r * k, call.Y + (long)r * outputs + o, outputs);
            float* x = call.X + (long)r * k, y = call.Y + (long)r * outputs + o;
            switch (call.Rows - r)
            {
                case 3: TKernel.Tile<TileRows.Three>(row, k, x, y, outputs); break;
                case 2: TKernel.Tile<TileRows.Two>(row, k, x, y, outputs); break;
                case 1: TKernel.Tile<TileRows.One>(row, k, x, y, outputs); break;
            }
        }
    }

    /// <summary>Logical rows [rowStart, +rowCount) of <paramref name="w"/> as float32 rows at <paramref name="destination"/>.</summary>
    public static void Widen<TKernel>(in WeightMatrix w, int rowStart, int rowCount, float* destination) where TKernel : IRowKernel
    {
        for (int r = 0; r < rowCount; r++) TKernel.WidenRow(w.RowPointer(rowStart + r), w.Columns, destination + (long)r * w.Columns);
    }

    /// <summary>The kernels for <paramref name="type"/> on <paramref name="isa"/>.</summary>
    public static KernelEntry For(KernelIsa isa, WeightType type) => (isa, type) switch
    {
        (KernelIsa.Scalar, WeightType.F32) => Of<DenseKernel<ScalarSimd, float, F32Format>>(),
        (KernelIsa.Scalar, WeightType.F16) => Of<DenseKernel<ScalarSimd, float, F16Format>>(),
        (KernelIsa.Scalar, WeightType.BF16) => Of<DenseKernel<ScalarSimd, float, BFloat16Format>>(),
        (KernelIsa.Scalar, WeightType.Q8_0) => Of<Q8Kernel<ScalarSimd, float>>(),
        (KernelIsa.Vector256, WeightType.F32) => Of<DenseKernel<Simd256, Vector256<float>, F32Format>>(),
        (KernelIsa.Vector256, WeightType.F16) => Of<DenseKernel<Simd256, Vector256<float>, F16Format>>(),
        (KernelIsa.Vector256, WeightType.BF16) => Of<DenseKernel<Simd256, Vector256<float>, BFloat16Format>>(),
        (KernelIsa.Vector256, WeightType.Q8_0) => Of<Q8Kernel<Simd256, Vector256<float>>>(),
        (KernelIsa.Vector512, WeightType.F32) => Of<DenseKernel<Simd512, Vector512<float>, F32Format>>(),
        (KernelIsa.Vector512, WeightType.F16) => Of<DenseKernel<Simd512, Vector512<float>, F16Format>>(),
        (KernelIsa.Vector512, WeightType.BF16) => Of<DenseKernel<Simd512, Vector512<float>, BFloat16Format>>(),
        (KernelIsa.Vector512, WeightType.Q8_0) => Of<Q8Kernel<Simd512, Vector512<float>>>(),
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, $"No {isa} kernel for {type}."),
    };

    private static KernelEntry Of<TKernel>() where TKernel : IRowKernel => new(&Range<TKernel>, &Widen<TKernel>);

    /// <summary>Entry points of one kernel (function pointers: calling them allocates nothing).</summary>
    internal readonly struct KernelEntry(delegate*<in MatVecCall, int, int, void> multiply, delegate*<in WeightMatrix, int, int, float*, void> widen)
    {
        public delegate*<in MatVecCall, int, int, void> Multiply { get; } = multiply;

        public delegate*<in WeightMatrix, int, int, float*, void> Widen { get; } = widen;
    }
}
