namespace DeltaMerge.Runtime.Kernels;

/// <summary>How a weight matrix's elements are stored in memory, exactly as in the file.</summary>
public enum WeightType
{
    /// <summary>IEEE single precision, 4 bytes.</summary>
    F32,
    /// <summary>IEEE half precision, 2 bytes.</summary>
    F16,
    /// <summary>bfloat16 (the upper half of a float32), 2 bytes.</summary>
    BF16,
    /// <summary>ggml Q8_0: blocks of 32 elements, each an fp16 scale d then 32 int8 q (34 bytes); value = float(d) · q.</summary>
    Q8_0,
}
