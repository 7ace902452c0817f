using DeltaMerge.Pipeline.Plan;

namespace DeltaMerge.Pipeline.Output;

/// <summary>Receives computed tensors in plan order, chunk by chunk, and writes them in some format.</summary>
public interface ITensorSink : IDisposable
{
    /// <summary>The next tensor starts; it is <paramref name="task"/>.</summary>
    void BeginTensor(TensorTask task);

    /// <summary>The next bytes of the current tensor, in its output dtype, little-endian, row-major.</summary>
    void WriteChunk(ReadOnlySpan<byte> bytes);

    /// <summary>The current tensor is complete.</summary>
    void EndTensor();

    /// <summary>All tensors were written; flushes and returns the files produced with their SHA-256.</summary>
    IReadOnlyList<WrittenFile> Complete();
}
