namespace DeltaMerge.Formats.Safetensors;

/// <summary>Where a <see cref="SafetensorsWriter"/> is; calls out of order throw.</summary>
internal enum SafetensorsWriterState
{
    /// <summary>The header is written; tensor data is expected in declared order.</summary>
    WritingData,
    /// <summary>Every tensor was written and the stream flushed.</summary>
    Completed,
    /// <summary>A write to the stream failed; the output is unusable.</summary>
    Faulted,
    /// <summary>Disposed.</summary>
    Disposed,
}
