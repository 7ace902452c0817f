using DeltaMerge.Formats;
using TorchSharp;

namespace DeltaMerge.Runtime;

/// <summary>Maps between the formats' and the runtime's element types and TorchSharp's.</summary>
internal static class TorchDTypes
{
    public static torch.ScalarType ToTorch(RuntimeDType dtype) => dtype switch
    {
        RuntimeDType.Float32 => torch.ScalarType.Float32,
        RuntimeDType.Float16 => torch.ScalarType.Float16,
        RuntimeDType.BFloat16 => torch.ScalarType.BFloat16,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, null),
    };

    /// <summary>The TorchSharp type of stored floating-point weights; false for anything else.</summary>
    public static bool TryToTorch(DType dtype, out torch.ScalarType type)
    {
        (bool ok, type) = dtype switch
        {
            DType.F32 => (true, torch.ScalarType.Float32),
            DType.F16 => (true, torch.ScalarType.Float16),
            DType.BF16 => (true, torch.ScalarType.BFloat16),
            _ => (false, torch.ScalarType.Float32),
        };
        return ok;
    }

    /// <summary>The most negative finite value, which transformers adds for masked positions (finfo.min).</summary>
    public static double MinValue(torch.ScalarType type) => type switch
    {
        torch.ScalarType.Float16 => -65504.0,
        torch.ScalarType.BFloat16 => -3.3895313892515355e38,
        _ => float.MinValue,
    };
}
