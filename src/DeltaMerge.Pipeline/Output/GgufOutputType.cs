using DeltaMerge.Formats;
using DeltaMerge.Formats.Gguf;

namespace DeltaMerge.Pipeline.Output;

/// <summary>The weight type of a GGUF output (<c>--dtype</c> with <c>--format gguf</c>).</summary>
public enum GgufOutputType
{
    /// <summary>float32 weights.</summary>
    F32,
    /// <summary>float16 weights (default, like convert_hf_to_gguf's f16).</summary>
    F16,
    /// <summary>bfloat16 weights.</summary>
    BF16,
    /// <summary>llama.cpp's Q8_0 (blocks of 32 int8 with an fp16 scale) quantization of the fp16 result.</summary>
    Q8_0,
}

/// <summary>How each GGUF output type maps onto merge arithmetic and ggml types.</summary>
public static class GgufOutputTypes
{
    /// <summary>The element type the plan computes: Q8_0 quantizes the fp16 merge result, as llama.cpp would quantize the merged model.</summary>
    public static DType PlanDType(GgufOutputType t) => t switch
    {
        GgufOutputType.F32 => DType.F32,
        GgufOutputType.BF16 => DType.BF16,
        _ => DType.F16,
    };

    /// <summary><c>general.file_type</c>.</summary>
    public static LlamaFileType FileType(GgufOutputType t) => t switch
    {
        GgufOutputType.F32 => LlamaFileType.AllF32,
        GgufOutputType.F16 => LlamaFileType.MostlyF16,
        GgufOutputType.BF16 => LlamaFileType.MostlyBF16,
        _ => LlamaFileType.MostlyQ8_0,
    };

    /// <summary>
    /// The ggml type of one tensor, as convert_hf_to_gguf chooses it: 1-D tensors (norms) stay F32; Q8_0 rows that are
    /// not a multiple of the 32-element block fall back to F16.
    /// </summary>
    public static GgmlType TensorType(GgufOutputType t, long[] shape)
    {
        if (shape.Length <= 1) return GgmlType.F32;
        return t switch
        {
            GgufOutputType.F32 => GgmlType.F32,
            GgufOutputType.BF16 => GgmlType.BF16,
            GgufOutputType.Q8_0 when shape[^1] % GgmlTypeInfo.BlockSize(GgmlType.Q8_0) == 0 => GgmlType.Q8_0,
            _ => GgmlType.F16,
        };
    }

    /// <summary>Parses <c>f32</c>, <c>f16</c>, <c>bf16</c>, <c>q8_0</c>.</summary>
    public static bool TryParse(string text, out GgufOutputType type)
    {
        switch (text.ToLowerInvariant())
        {
            case "f32": case "fp32": case "float32": type = GgufOutputType.F32; return true;
            case "f16": case "fp16": case "float16": type = GgufOutputType.F16; return true;
            case "bf16": case "bfloat16": type = GgufOutputType.BF16; return true;
            case "q8_0": case "q8": type = GgufOutputType.Q8_0; return true;
            default: type = GgufOutputType.F16; return false;
        }
    }
}
