using DeltaMerge.Formats.IO;

namespace DeltaMerge.Formats.Gguf;

/// <summary>
/// Streams one GGUF file in gguf-py's order: declare metadata (<see cref="AddValue"/> and its typed one-liners) and
/// every tensor (<see cref="AddTensorInfo"/>) up front, then <see cref="WriteHeaderAndInfos"/> writes header → KV pairs →
/// tensor infos → padding; then each tensor's bytes follow in declared order, whole (<see cref="WriteTensor"/>) or in
/// chunks (<see cref="WriteTensorChunk"/>), each padded with zeros to the alignment; <see cref="Complete"/> checks all
/// were written. Same calls → same bytes. Writes to the stream as given: atomic output (temp file, rename) is the caller's job.
/// </summary>
/// <remarks>
/// Metadata is written in the order added; llama.cpp expects <c>general.architecture</c> first, so add it first.
/// Adding <c>general.alignment</c> (uint32, a power of two) changes the data alignment, as gguf-py's <c>add_custom_alignment</c>.
/// Unlike gguf-py, duplicate keys are refused (not overwritten) and empty strings and arrays are written (not dropped).
/// </remarks>
public sealed class GgufWriter : IDisposable
{
    private readonly OrderedTensorWriter _data;
    private readonly List<GgufKeyValue> _metadata = [];
    private readonly HashSet<string> _keys = new(StringComparer.Ordinal);
    private readonly List<GgufTensorSpec> _tensors = [];
    private readonly HashSet<string> _tensorNames = new(StringComparer.Ordinal);
    private GgufLayout? _layout;

    /// <summary>Starts a writer over <paramref name="stream"/>; nothing is written until <see cref="WriteHeaderAndInfos"/>.</summary>
    /// <param name="stream">Writable destination, positioned where the file starts.</param>
    /// <param name="leaveOpen">Whether <see cref="Dispose"/> leaves <paramref name="stream"/> open.</param>
    /// <exception cref="ArgumentException">The stream is not writable.</exception>
    public GgufWriter(Stream stream, bool leaveOpen = false) => _data = new OrderedTensorWriter(stream, leaveOpen, this);

    /// <summary>The layout, available once <see cref="WriteHeaderAndInfos"/> has run.</summary>
    /// <exception cref="InvalidOperationException">The header is not written yet.</exception>
    public GgufLayout Layout => _layout ?? throw new InvalidOperationException($"The layout is known after {nameof(WriteHeaderAndInfos)}.");

    /// <summary>The metadata declared so far, in order.</summary>
    public IReadOnlyList<GgufKeyValue> Metadata => _metadata;

    /// <summary>The tensors declared so far, in order.</summary>
    public IReadOnlyList<GgufTensorSpec> Tensors => _tensors;

    /// <summary>Declares one metadata entry (the generic core every typed helper calls).</summary>
    /// <exception cref="ArgumentException">An empty or duplicate key, or an invalid <c>general.alignment</c>.</exception>
    /// <exception cref="InvalidOperationException">The header is already written.</exception>
    public void AddValue(string key, GgufValue value)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentNullException.ThrowIfNull(value);
        _data.EnsureState(TensorWriterState.Declaring);
        if (_keys.Contains(key)) throw new ArgumentException($"Duplicate metadata key '{key}'.", nameof(key));
        if (key == GgufKeys.GeneralAlignment && (value.Value is not uint a || !GgufLayout.IsPowerOfTwo(a) || a > int.MaxValue))
            throw new ArgumentException($"'{GgufKeys.GeneralAlignment}' must be a uint32 power of two, got {value}.", nameof(value));
        _keys.Add(key);
        _metadata.Add(new GgufKeyValue(key, value));
    }

    /// <summary>Declares a uint32 entry.</summary>
    public void AddUInt32(string key, uint value) => AddValue(key, GgufValue.UInt32(value));
    /// <summary>Declares an int32 entry.</summary>
    public void AddInt32(string key, int value) => AddValue(key, GgufValue.Int32(value));
    /// <summary>Declares a float32 entry.</summary>
    public void AddFloat32(string key, float value) => AddValue(key, GgufValue.Float32(value));
    /// <summary>Declares a uint64 entry.</summary>
    public void AddUInt64(string key, ulong value) => AddValue(key, GgufValue.UInt64(value));
    /// <summary>Declares a bool entry.</summary>
    public void AddBool(string key, bool value) => AddValue(key, GgufValue.Bool(value));
    /// <summary>Declares a string entry.</summary>
    public void AddString(string key, string value) => AddValue(key, GgufValue.String(value));
    /// <summary>Declares an array-of-string entry.</summary>
    public void AddStringArray(string key, IEnumerable<string> values) => AddValue(key, GgufValue.StringArray(values));
    /// <summary>Declares an array-of-float32 entry.</summary>
    public void AddFloat32Array(string key, ReadOnlySpan<float> values) => AddValue(key, GgufValue.Float32Array(values));
    /// <summary>Declares an array-of-int32 entry.</summary>
    public void AddInt32Array(string key, ReadOnlySpan<int> values) => AddValue(key, GgufValue.Int32Array(values));

    /// <summary>
    /// Declares the next tensor. <paramref name="shape"/> is in PyTorch / row-major order (outermost first); the file
    /// stores it reversed (see <see cref="GgufTensorSpec"/>). Data must later be written in declaration order.
    /// </summary>
    /// <exception cref="ArgumentException">A duplicate, empty or too long name, an unknown type, 0 or more than 4 dimensions, a dimension ≤ 0, rows not a multiple of the block size, or a size that overflows.</exception>
    /// <exception cref="InvalidOperationException">The header is already written.</exception>
    public void AddTensorInfo(string name, GgmlType type, ReadOnlySpan<long> shape)
    {
        ArgumentNullException.ThrowIfNull(name);
        _data.EnsureState(TensorWriterState.Declaring);
        if (_tensorNames.Contains(name)) throw new ArgumentException($"Duplicate tensor name '{name}'.", nameof(name));
        var spec = new GgufTensorSpec(name, type, shape.ToArray());
        GgufLayout.Build([], [spec]); // validates the one tensor now, so the error points at this call
        _tensorNames.Add(name);
        _tensors.Add(spec);
    }

    /// <summary>Writes header, metadata, tensor infos and the padding up to the data section.</summary>
    /// <exception cref="InvalidOperationException">Called twice, or after completion.</exception>
    public void WriteHeaderAndInfos()
    {
        _data.EnsureState(TensorWriterState.Declaring);
        (byte[] header, GgufLayout layout) = GgufLayout.Build(_metadata, _tensors);
        _layout = layout;
        _data.Start(header, _tensors.Select(t => t.Name).ToList(), layout.Tensors.Select(t => t.ByteLength).ToArray(),
            layout.Tensors.Select(t => t.PaddedLength).ToArray());
    }

    /// <summary>Writes all bytes of the next tensor, which must be <paramref name="name"/>, and its padding.</summary>
    /// <exception cref="InvalidOperationException">Not the next tensor, a tensor partly written by chunks, a wrong length, or the writer is not writing data.</exception>
    /// <exception cref="ObjectDisposedException">The writer is disposed.</exception>
    public void WriteTensor(string name, ReadOnlySpan<byte> data) => _data.WriteTensor(name, data);

    /// <summary>
    /// Writes the next chunk of the next tensor, which must be <paramref name="name"/>; once its declared length is reached
    /// the padding is written and the next tensor is expected.
    /// </summary>
    /// <exception cref="InvalidOperationException">Not the next tensor, more bytes than declared, or the writer is not writing data.</exception>
    /// <exception cref="ObjectDisposedException">The writer is disposed.</exception>
    public void WriteTensorChunk(string name, ReadOnlySpan<byte> chunk) => _data.WriteTensorChunk(name, chunk);

    /// <summary>Checks that every tensor was written and flushes the stream.</summary>
    /// <exception cref="InvalidOperationException">A tensor is missing or partly written, or the writer is not writing data.</exception>
    /// <exception cref="ObjectDisposedException">The writer is disposed.</exception>
    public void Complete() => _data.Complete();

    /// <summary>Disposes the stream unless it was opened with leaveOpen; an incomplete file is left as it is.</summary>
    public void Dispose() => _data.Dispose();
}
