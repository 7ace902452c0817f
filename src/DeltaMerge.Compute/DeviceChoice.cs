namespace DeltaMerge.Compute;

/// <summary>What the user asked for with <c>--device</c>.</summary>
public enum DeviceChoice
{
    /// <summary>CUDA when TorchSharp's CUDA backend and a GPU are present, else CPU.</summary>
    Auto,
    /// <summary>The CPU.</summary>
    Cpu,
    /// <summary>The first CUDA GPU; an error when none is usable.</summary>
    Cuda,
}
