namespace DeltaMerge.Formats.Gguf;

/// <summary>Values of <c>general.file_type</c> (<c>LlamaFileType</c> / <c>enum llama_ftype</c>) for the types this tool writes.</summary>
public enum LlamaFileType : uint
{
    /// <summary>Every tensor float32.</summary>
    AllF32 = 0,
    /// <summary>Matrices float16, norms float32.</summary>
    MostlyF16 = 1,
    /// <summary>Matrices Q8_0, norms float32.</summary>
    MostlyQ8_0 = 7,
    /// <summary>Matrices bfloat16, norms float32.</summary>
    MostlyBF16 = 32,
}
