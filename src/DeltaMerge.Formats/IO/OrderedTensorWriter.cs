namespace DeltaMerge.Formats.IO;

/// <summary>
/// The part every tensor file writer shares (<see cref="Safetensors.SafetensorsWriter"/>, <see cref="Gguf.GgufWriter"/>):
/// after the header, the declared tensors' bytes in declared order, whole or in chunks, each followed by zero padding up
/// to its padded length; out-of-order calls throw, and a failed write leaves the writer faulted rather than let it
/// produce a corrupt file. The format's writer builds the header and says where each tensor ends.
/// </summary>
internal sealed class OrderedTensorWriter
{
    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private readonly object _owner;
    private string[] _names = [];
    private long[] _lengths = [];
    private long[] _paddedLengths = [];
    private int _current;
    private long _writtenOfCurrent;

    /// <summary>A writer over <paramref name="stream"/>, declaring until <see cref="Start"/>.</summary>
    /// <param name="stream">Writable destination, positioned where the file starts.</param>
    /// <param name="leaveOpen">Whether <see cref="Dispose"/> leaves <paramref name="stream"/> open.</param>
    /// <param name="owner">The format's writer, named when a call comes after disposal.</param>
    /// <exception cref="ArgumentException">The stream is not writable.</exception>
    public OrderedTensorWriter(Stream stream, bool leaveOpen, object owner)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanWrite) throw new ArgumentException("The stream is not writable.", nameof(stream));
        _stream = stream;
        _leaveOpen = leaveOpen;
        _owner = owner;
    }

    /// <summary>Where the writer is.</summary>
    public TensorWriterState State { get; private set; }

    /// <summary>Writes <paramref name="header"/> and expects the tensors' data next: <paramref name="lengths"/> bytes each, padded to <paramref name="paddedLengths"/>.</summary>
    /// <exception cref="InvalidOperationException">Not declaring any more.</exception>
    public void Start(ReadOnlySpan<byte> header, IReadOnlyList<string> names, long[] lengths, long[] paddedLengths)
    {
        EnsureState(TensorWriterState.Declaring);
        _names = [.. names];
        _lengths = lengths;
        _paddedLengths = paddedLengths;
        State = TensorWriterState.WritingData;
        WriteToStream(header);
    }

    /// <summary>Writes all bytes of the next tensor, which must be <paramref name="name"/>, and its padding.</summary>
    /// <exception cref="InvalidOperationException">Not the next tensor, a tensor partly written by chunks, a wrong length, or the writer is not writing data.</exception>
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
    /// Writes the next chunk of the next tensor, which must be <paramref name="name"/>; once its declared length is reached
    /// the padding is written and the next tensor is expected (a zero-length tensor is done by one empty chunk).
    /// </summary>
    /// <exception cref="InvalidOperationException">Not the next tensor, more bytes than declared, or the writer is not writing data.</exception>
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
    /// <exception cref="InvalidOperationException">A tensor is missing or partly written, or the writer is not writing data.</exception>
    /// <exception cref="ObjectDisposedException">The writer is disposed.</exception>
    public void Complete()
    {
        EnsureState(TensorWriterState.WritingData);
        if (_current < _names.Length)
            throw new InvalidOperationException(
                $"Tensor '{_names[_current]}' ({_current + 1} of {_names.Length}) is not written: {_writtenOfCurrent} of {_lengths[_current]} bytes.");
        try
        {
            _stream.Flush();
        }
        catch
        {
            State = TensorWriterState.Faulted;
            throw;
        }
        State = TensorWriterState.Completed;
    }

    /// <summary>Disposes the stream unless it was opened with leaveOpen; an incomplete file is left as it is.</summary>
    public void Dispose()
    {
        if (State == TensorWriterState.Disposed) return;
        State = TensorWriterState.Disposed;
        if (!_leaveOpen) _stream.Dispose();
    }

    /// <summary>Throws unless the writer is in <paramref name="expected"/>.</summary>
    /// <exception cref="InvalidOperationException">Another state.</exception>
    /// <exception cref="ObjectDisposedException">The writer is disposed.</exception>
    public void EnsureState(TensorWriterState expected)
    {
        ObjectDisposedException.ThrowIf(State == TensorWriterState.Disposed, _owner);
        if (State != expected)
            throw new InvalidOperationException($"The writer is {Describe(State)}; this call needs it {Describe(expected)}.");
    }

    private static string Describe(TensorWriterState state) => state switch
    {
        TensorWriterState.Declaring => "declaring metadata and tensors (before the header is written)",
        TensorWriterState.WritingData => "writing tensor data (after the header)",
        _ => state.ToString().ToLowerInvariant(),
    };

    /// <summary>Checks <paramref name="name"/> is the tensor expected next and returns its declared length.</summary>
    private long ExpectNext(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        EnsureState(TensorWriterState.WritingData);
        if (_current >= _names.Length)
            throw new InvalidOperationException($"All {_names.Length} tensors are written; '{name}' is not expected.");
        string expectedName = _names[_current];
        if (!string.Equals(name, expectedName, StringComparison.Ordinal))
            throw new InvalidOperationException($"Expected tensor '{expectedName}' ({_current + 1} of {_names.Length}), got '{name}'.");
        return _lengths[_current];
    }

    private void WriteData(ReadOnlySpan<byte> data, long expected)
    {
        WriteToStream(data);
        _writtenOfCurrent += data.Length;
        if (_writtenOfCurrent != expected) return;
        long pad = _paddedLengths[_current] - expected;
        Span<byte> zeros = stackalloc byte[64];
        zeros.Clear();
        for (; pad > 0; pad -= Math.Min(pad, zeros.Length)) WriteToStream(zeros[..(int)Math.Min(pad, zeros.Length)]);
        _current++;
        _writtenOfCurrent = 0;
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
            State = TensorWriterState.Faulted;
            throw;
        }
    }
}
