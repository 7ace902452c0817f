using DeltaMerge.Runtime.Kernels;

namespace DeltaMerge.Runtime.Tests.Kernels;

/// <summary>Test case sources: every instruction set (skipped where this machine lacks it) with every weight type.</summary>
internal static class KernelCases
{
    public static IEnumerable<KernelIsa> Isas => Enum.GetValues<KernelIsa>();

    public static IEnumerable<TestCaseData> IsaAndType =>
        from isa in Isas from type in Enum.GetValues<WeightType>() select new TestCaseData(isa, type);

    /// <summary>Skips the test where <paramref name="isa"/> cannot run (an AVX2-only machine, or DOTNET_EnableHWIntrinsic=0).</summary>
    public static void Require(KernelIsa isa) =>
        Assume.That(KernelIsas.IsSupported(isa), Is.True, $"{isa} is not supported on this machine");

    /// <summary>Input widths that exercise the vector body, the odd vector and the scalar tail.</summary>
    public static int[] Widths(WeightType type) => type == WeightType.Q8_0 ? [32, 96, 4096 + 32] : [1, 7, 33, 100, 257, 4099];
}
