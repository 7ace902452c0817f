namespace DeltaMerge.Formats.HuggingFace;

/// <summary>How a model directory stores its weights.</summary>
public enum ModelLayout
{
    /// <summary>Hugging Face, <c>model.safetensors</c> or shards with <c>model.safetensors.index.json</c>.</summary>
    HuggingFaceSafetensors,
    /// <summary>Hugging Face, <c>pytorch_model.bin</c> or shards with <c>pytorch_model.bin.index.json</c> (torch.save zips).</summary>
    HuggingFaceBin,
    /// <summary>Meta's original release: <c>params.json</c> and <c>consolidated.NN.pth</c>.</summary>
    Meta,
    /// <summary>One llama.cpp GGUF file (F32/F16/BF16), read back under Hugging Face names.</summary>
    Gguf,
}
