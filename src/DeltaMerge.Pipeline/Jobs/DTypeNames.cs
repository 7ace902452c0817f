using DeltaMerge.Formats;

namespace DeltaMerge.Pipeline.Jobs;

/// <summary>The short dtype names of the command line (<c>f16</c>, <c>bf16</c>, <c>f32</c>).</summary>
public static class DTypeNames
{
    /// <summary>Output types a merge can write.</summary>
    public static readonly IReadOnlyList<DType> MergeOutputs = [DType.F16, DType.BF16, DType.F32];

    /// <summary>Parses <c>f16</c>/<c>fp16</c>/<c>float16</c>, <c>bf16</c>/<c>bfloat16</c>, <c>f32</c>/<c>fp32</c>/<c>float32</c>.</summary>
    public static bool TryParse(string text, out DType dtype)
    {
        dtype = text.ToLowerInvariant() switch
        {
            "f16" or "fp16" or "float16" or "half" => DType.F16,
            "bf16" or "bfloat16" => DType.BF16,
            "f32" or "fp32" or "float32" or "float" => DType.F32,
            _ => (DType)(-1),
        };
        return Enum.IsDefined(dtype);
    }

    /// <summary>The short name.</summary>
    public static string Format(DType dtype) => dtype switch
    {
        DType.F16 => "f16",
        DType.BF16 => "bf16",
        DType.F32 => "f32",
        _ => dtype.ToString().ToLowerInvariant(),
    };
}
