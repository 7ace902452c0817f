namespace DeltaMerge.Formats.Safetensors;

/// <summary>
/// Streams one safetensors file whose tensor list is known up front. The header is written by the constructor;
/// then each tensor's bytes follow in the declared order, whole (<see cref="WriteTensor"/>) or in chunks
/// (<see cref="WriteTensorChunk"/>), and <see cref="Complete"/> checks that all were written. Same inputs → same bytes.
/// Writes to the stream as given: atomic output (temp file, rename) is the caller's job.
/// </summary>
public sealed class SafetensorsWriter : IDisposable
{
    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private readonly SafetensorsTensorSpec[] _tensors;
    private readonly long[] _lengths;
    private SafetensorsWriterState _state;
    private int _current;
    private long _writtenOfCurrent;

    /// <summary>Validates the tensor list and writes the header to <paramref name="stream"/>.</summary>
    /// <param name="stream">Writable destination, positioned where the file starts.</param>
    /// <param name="tensors">The tensors in the order their data will be written (and laid out).</param>
    /// <param name="metadata">The <c>__metadata__</c> strings; null or empty writes none.</param>
    /// <param name="leaveOpen">Whether <see cref="Dispose"/> leaves <paramref name="stream"/> open.</param>
    /// <exception cref="ArgumentException">The stream is not writable, or the tensor list is invalid (duplicate or reserved names, negative dimensions, sizes that overflow).</exception>
    public SafetensorsWriter(Stream stream, IReadOnlyList<SafetensorsTensorSpec> tensors, IReadOnlyDictionary<string, string>? metadata,
        bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanWrite) throw new ArgumentException("The stream is not writable.", nameof(stream));
        (byte[] header, _lengths, long dataLength) = SafetensorsHeaderBuilder.Build(tensors, metadata);
        _tensors = [.. tensors];
        _stream = stream;
        _leaveOpen = leaveOpen;
        HeaderLength = header.Length;
        TotalLength = header.Length + dataLength;
        WriteToStream(header);
    }

    /// <summary>Bytes of the header, the 8-byte length prefix and padding included (the absolute offset of the data).</summary>
    public long HeaderLength { get; }

    /// <summary>Size of the complete file in bytes.</summary>
    public long TotalLength { get; }

    /// <summary>Size in bytes of the file a writer would produce for these inputs, without writing anything.</summary>
    /// <exception cref="ArgumentException">The tensor list is invalid.</exception>
    public static long ComputeFileSize(IReadOnlyList<SafetensorsTensorSpec> tensors, IReadOnlyDictionary<string, string>? metadata)
    {
        (byte[] header, _, long dataLength) = SafetensorsHeaderBuilder.Build(tensors, metadata);
        return header.Length + dataLength;
    }

    /// <summary>The complete header bytes (<c>[u64 n][JSON][padding]</c>) a writer would produce for these inputs.</summary>
    /// <exception cref="ArgumentException">The tensor list is invalid.</exception>
    public static byte[] BuildHeader(IReadOnlyList<SafetensorsTensorSpec> tensors, IReadOnlyDictionary<string, string>? metadata) =>
        SafetensorsHeaderBuilder.Build(tensors, metadata).Header;

    /// <summary>Writes all bytes of the next tensor, which must be <paramref name="name"/>.</summary>
    /// <exception cref="InvalidOperationException">Not the next tensor, a tensor partly written by chunks, a wrong length, or the writer is completed or faulted.</exception>
    /// <exception cref="ObjectDisposedException">The writer is disposed.</exception>
    public void WriteTensor(string name, ReadOnlySpan<byte> data)
    {
        long expected = ExpectNext(name);
        if (_writtenOfCurrent != 0)
            throw new InvalidOperationException($"Tensor '{name}' is partly written by chunks ({_writtenOfCurrent} of {expected} bytes); continue with {nameof(WriteTensorChunk)}.");
        if (data.Length != expected)
            throw new InvalidOperationException($"Tensor '{name}' needs {expected} bytes, got {data.Length}.");
        WriteData(data, expected);
    }

    /// <summary>
    /// Writes the next chunk of the next tensor, which must be <paramref name="name"/>; the tensor is done once its declared
    /// length is reached (a zero-length tensor by one empty chunk).
    /// </summary>
    /// <exception cref="InvalidOperationException">Not the next tensor, more bytes than declared, or the writer is completed or faulted.</exception>
    /// <exception cref="ObjectDisposedException">The writer is disposed.</exception>
    public void WriteTensorChunk(string name, ReadOnlySpan<byte> chunk)
    {
        long expected = ExpectNext(name);
        if (chunk.Length > expected - _writtenOfCurrent)
            throw new InvalidOperationException(
                $"Tensor '{name}' needs {expected} bytes; {_writtenOfCurrent} written, a chunk of {chunk.Length} is too long.");
        WriteData(chunk, expected);
    }

    /// <summary>Checks that every tensor was written and flushes the stream.</summary>
    /// <exception cref="InvalidOperationException">A tensor is missing or partly written, or the writer is completed or faulted.</exception>
    /// <exception cref="ObjectDisposedException">The writer is disposed.</exception>
    public void Complete()
    {
        EnsureWritingData();
        if (_current < _tensors.Length)
            throw new InvalidOperationException(
                $"Tensor '{_tensors[_current].Name}' ({_current + 1} of {_tensors.Length}) is not written: {_writtenOfCurrent} of {_lengths[_current]} bytes.");
        try
        {
            _stream.Flush();
        }
        catch
        {
            _state = SafetensorsWriterState.Faulted;
            throw;
        }
        _state = SafetensorsWriterState.Completed;
    }

    /// <summary>Disposes the stream unless it was opened with leaveOpen; an incomplete file is left as it is.</summary>
    public void Dispose()
    {
        if (_state == SafetensorsWriterState.Disposed) return;
        _state = SafetensorsWriterState.Disposed;
        if (!_leaveOpen) _stream.Dispose();
    }

    /// <summary>Checks <paramref name="name"/> is the tensor expected next and returns its declared length.</summary>
    private long ExpectNext(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        EnsureWritingData();
        if (_current >= _tensors.Length)
            throw new InvalidOperationException($"All {_tensors.Length} tensors are written; '{name}' is not expected.");
        string expectedName = _tensors[_current].Name;
        if (!string.Equals(name, expectedName, StringComparison.Ordinal))
            throw new InvalidOperationException($"Expected tensor '{expectedName}' ({_current + 1} of {_tensors.Length}), got '{name}'.");
        return _lengths[_current];
    }

    private void EnsureWritingData()
    {
        ObjectDisposedException.ThrowIf(_state == SafetensorsWriterState.Disposed, this);
        if (_state != SafetensorsWriterState.WritingData)
            throw new InvalidOperationException($"The writer is {_state.ToString().ToLowerInvariant()}; no more calls are accepted.");
    }

    private void WriteData(ReadOnlySpan<byte> data, long expected)
    {
        WriteToStream(data);
        _writtenOfCurrent += data.Length;
        if (_writtenOfCurrent == expected)
        {
            _current++;
            _writtenOfCurrent = 0;
        }
    }

    private void WriteToStream(ReadOnlySpan<byte> data)
    {
        try
        {
            _stream.Write(data);
        }
        catch
        {
            // What reached the stream is unknown: refuse further writes rather than produce a corrupt file.
            _state = SafetensorsWriterState.Faulted;
            throw;
        }
    }
}
