using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace DeltaMerge.Runtime.Kernels;

/// <summary>The instruction sets the kernels are written for; the best one present is chosen at run time.</summary>
public enum KernelIsa
{
    /// <summary>Portable scalar code: any machine, and DOTNET_EnableHWIntrinsic=0.</summary>
    Scalar,
    /// <summary>256-bit vectors with FMA (AVX2).</summary>
    Vector256,
    /// <summary>512-bit vectors (AVX-512F/BW).</summary>
    Vector512,
}

/// <summary>Which <see cref="KernelIsa"/> this process can run.</summary>
public static class KernelIsas
{
    /// <summary>The fastest instruction set this machine and runtime allow.</summary>
    public static KernelIsa Best { get; } =
        IsSupported(KernelIsa.Vector512) ? KernelIsa.Vector512 : IsSupported(KernelIsa.Vector256) ? KernelIsa.Vector256 : KernelIsa.Scalar;

    /// <summary>Whether <paramref name="isa"/> can run here (honours DOTNET_EnableAVX512=0 and DOTNET_EnableHWIntrinsic=0).</summary>
    public static bool IsSupported(KernelIsa isa) => isa switch
    {
        KernelIsa.Scalar => true,
        KernelIsa.Vector256 => Vector256.IsHardwareAccelerated && Fma.IsSupported && Avx2.IsSupported,
        KernelIsa.Vector512 => Vector512.IsHardwareAccelerated && Avx512F.IsSupported && Avx512BW.IsSupported,
        _ => false,
    };
}
