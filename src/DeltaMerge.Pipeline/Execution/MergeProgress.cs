namespace DeltaMerge.Pipeline.Execution;

/// <summary>Progress of an execution, reported after each written chunk.</summary>
/// <param name="TensorsDone">Tensors completely written.</param>
/// <param name="TensorsTotal">Tensors planned.</param>
/// <param name="BytesDone">Output tensor bytes written.</param>
/// <param name="BytesTotal">Output tensor bytes planned.</param>
/// <param name="CurrentTensor">The tensor being written.</param>
public sealed record MergeProgress(int TensorsDone, int TensorsTotal, long BytesDone, long BytesTotal, string CurrentTensor);
