namespace DeltaMerge.Formats.Gguf;

/// <summary>Where a <see cref="GgufWriter"/> is (gguf-py's <c>WriterState</c>); calls out of order throw.</summary>
internal enum GgufWriterState
{
    /// <summary>Metadata and tensor infos are being declared; nothing is written yet.</summary>
    Declaring,
    /// <summary>Header, metadata and tensor infos are written; tensor data is expected in declared order.</summary>
    WritingData,
    /// <summary>Every tensor was written and the stream flushed.</summary>
    Completed,
    /// <summary>A write to the stream failed; the output is unusable.</summary>
    Faulted,
    /// <summary>Disposed.</summary>
    Disposed,
}
