using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace DeltaMerge.Runtime.Kernels;

/// <summary>Picks the kernel for a weight type and instruction set.</summary>
internal static unsafe class RowKernels
{
    // Kernels are compiled fully optimised on first use; with the table already built, the JIT embeds its address
    // instead of calling a class-initialisation helper inside the loop.
    static RowKernels() => RuntimeHelpers.RunClassConstructor(typeof(HalfTable).TypeHandle);

    /// <summary>The kernels for <paramref name="type"/> on <paramref name="isa"/>.</summary>
    public static KernelEntry For(KernelIsa isa, WeightType type) => (isa, type) switch
    {
        (KernelIsa.Scalar, WeightType.F32) => Of<ScalarSimd, float, F32Format>(),
        (KernelIsa.Scalar, WeightType.F16) => Of<ScalarSimd, float, F16Format>(),
        (KernelIsa.Scalar, WeightType.BF16) => Of<ScalarSimd, float, BFloat16Format>(),
        (KernelIsa.Scalar, WeightType.Q8_0) => Of<ScalarSimd, float, Q8Format>(),
        (KernelIsa.Vector256, WeightType.F32) => Of<Simd256, Vector256<float>, F32Format>(),
        (KernelIsa.Vector256, WeightType.F16) => Of<Simd256, Vector256<float>, F16Format>(),
        (KernelIsa.Vector256, WeightType.BF16) => Of<Simd256, Vector256<float>, BFloat16Format>(),
        (KernelIsa.Vector256, WeightType.Q8_0) => Of<Simd256, Vector256<float>, Q8Format>(),
        (KernelIsa.Vector512, WeightType.F32) => Of<Simd512, Vector512<float>, F32Format>(),
        (KernelIsa.Vector512, WeightType.F16) => Of<Simd512, Vector512<float>, F16Format>(),
        (KernelIsa.Vector512, WeightType.BF16) => Of<Simd512, Vector512<float>, BFloat16Format>(),
        (KernelIsa.Vector512, WeightType.Q8_0) => Of<Simd512, Vector512<float>, Q8Format>(),
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, $"No {isa} kernel for {type}."),
    };

    private static KernelEntry Of<TSimd, TVec, TFormat>() where TSimd : ISimd<TVec> where TVec : struct where TFormat : IWeightFormat =>
        new(&MatVecKernel<TSimd, TVec, TFormat>.Range, &MatVecKernel<TSimd, TVec, TFormat>.Widen);

    /// <summary>Entry points of one kernel (function pointers: calling them allocates nothing).</summary>
    internal readonly struct KernelEntry(delegate*<in MatVecCall, int, int, void> multiply, delegate*<in WeightMatrix, int, int, float*, void> widen)
    {
        public delegate*<in MatVecCall, int, int, void> Multiply { get; } = multiply;

        public delegate*<in WeightMatrix, int, int, float*, void> Widen { get; } = widen;
    }
}
