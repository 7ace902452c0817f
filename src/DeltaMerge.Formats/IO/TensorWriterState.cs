namespace DeltaMerge.Formats.IO;

/// <summary>Where a tensor file writer is (gguf-py's <c>WriterState</c>); calls out of order throw.</summary>
internal enum TensorWriterState
{
    /// <summary>Metadata and tensors are being declared; nothing is written yet.</summary>
    Declaring,
    /// <summary>The header is written; tensor data is expected in declared order.</summary>
    WritingData,
    /// <summary>Every tensor was written and the stream flushed.</summary>
    Completed,
    /// <summary>A write to the stream failed; the output is unusable.</summary>
    Faulted,
    /// <summary>Disposed.</summary>
    Disposed,
}
