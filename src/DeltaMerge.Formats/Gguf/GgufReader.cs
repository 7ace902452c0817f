using DeltaMerge.Formats.IO;

namespace DeltaMerge.Formats.Gguf;

/// <summary>
/// A validated GGUF file (version 2 or 3): its ordered, typed metadata and its tensor infos, and reads of tensor bytes,
/// all through one <see cref="IByteReader"/> the caller owns (so the caller can hash while reading). See
/// <see cref="GgufHeaderParser"/> for the rules checked, each with its own <see cref="FormatErrorKind"/>.
/// </summary>
public sealed class GgufReader
{
    private readonly IByteReader _reader;
    private readonly IReadOnlyDictionary<string, GgufValue> _byKey;
    private readonly Dictionary<string, GgufTensorInfo> _byName;

    internal GgufReader(IByteReader reader, uint version, int alignment, long dataOffset, IReadOnlyList<GgufKeyValue> metadata,
        IReadOnlyDictionary<string, GgufValue> byKey, IReadOnlyList<GgufTensorInfo> tensors)
    {
        _reader = reader;
        Version = version;
        Alignment = alignment;
        DataOffset = dataOffset;
        Metadata = metadata;
        _byKey = byKey;
        Tensors = tensors;
        _byName = tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
    }

    /// <summary>Reads and validates the header of the file behind <paramref name="reader"/>; the reader is not disposed.</summary>
    /// <exception cref="CheckpointFormatException">The file breaks a rule of the format.</exception>
    public static GgufReader Open(IByteReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        return GgufHeaderParser.Parse(reader);
    }

    /// <summary>The file's path, for messages.</summary>
    public string FilePath => _reader.FilePath;

    /// <summary>The GGUF version (2 or 3).</summary>
    public uint Version { get; }

    /// <summary>Data alignment in bytes.</summary>
    public int Alignment { get; }

    /// <summary>Absolute offset of the data section.</summary>
    public long DataOffset { get; }

    /// <summary>The metadata in file order.</summary>
    public IReadOnlyList<GgufKeyValue> Metadata { get; }

    /// <summary>The tensors in file (tensor info) order, with absolute offsets.</summary>
    public IReadOnlyList<GgufTensorInfo> Tensors { get; }

    /// <summary>
    /// The tensors of plain element types (F32, F16, BF16, ...) as <see cref="TensorEntry"/> with PyTorch-order shapes,
    /// in file order; block-quantized tensors are left out.
    /// </summary>
    public IReadOnlyList<TensorEntry> TensorEntries => Tensors.Select(t => t.ToTensorEntry(FilePath)).OfType<TensorEntry>().ToList();

    /// <summary>Looks up a metadata value.</summary>
    public bool TryGetValue(string key, out GgufValue value) => _byKey.TryGetValue(key, out value!);

    /// <summary>The value of <paramref name="key"/>, which must have type <paramref name="type"/> (and, for arrays, <paramref name="elementType"/>).</summary>
    /// <exception cref="CheckpointFormatException"><see cref="FormatErrorKind.GgufMissingKey"/> or <see cref="FormatErrorKind.GgufMetadataTypeMismatch"/>.</exception>
    public GgufValue GetValue(string key, GgufValueType type, GgufValueType? elementType = null)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (!_byKey.TryGetValue(key, out GgufValue? value))
            throw new CheckpointFormatException(FormatErrorKind.GgufMissingKey, $"metadata key '{key}' is absent", FilePath);
        if (value.Type != type || (elementType != null && value.ElementType != elementType))
        {
            string expected = elementType is { } e ? $"arr[{GgufValue.ScalarName(e)}]" : GgufValue.ScalarName(type);
            throw new CheckpointFormatException(FormatErrorKind.GgufMetadataTypeMismatch,
                $"metadata '{key}' must be {expected}, found {value.TypeName}", FilePath);
        }
        return value;
    }

    /// <summary>A uint32 value.</summary>
    /// <exception cref="CheckpointFormatException">Absent, or of another type.</exception>
    public uint GetUInt32(string key) => (uint)GetValue(key, GgufValueType.UInt32).Value;

    /// <summary>A float32 value.</summary>
    /// <exception cref="CheckpointFormatException">Absent, or of another type.</exception>
    public float GetFloat32(string key) => (float)GetValue(key, GgufValueType.Float32).Value;

    /// <summary>A bool value.</summary>
    /// <exception cref="CheckpointFormatException">Absent, or of another type.</exception>
    public bool GetBool(string key) => (bool)GetValue(key, GgufValueType.Bool).Value;

    /// <summary>A string value.</summary>
    /// <exception cref="CheckpointFormatException">Absent, or of another type.</exception>
    public string GetString(string key) => (string)GetValue(key, GgufValueType.String).Value;

    /// <summary>An array-of-string value.</summary>
    /// <exception cref="CheckpointFormatException">Absent, or of another type.</exception>
    public IReadOnlyList<string> GetStringArray(string key) => (string[])GetValue(key, GgufValueType.Array, GgufValueType.String).Value;

    /// <summary>An array-of-float32 value.</summary>
    /// <exception cref="CheckpointFormatException">Absent, or of another type.</exception>
    public IReadOnlyList<float> GetFloat32Array(string key) => (float[])GetValue(key, GgufValueType.Array, GgufValueType.Float32).Value;

    /// <summary>An array-of-int32 value.</summary>
    /// <exception cref="CheckpointFormatException">Absent, or of another type.</exception>
    public IReadOnlyList<int> GetInt32Array(string key) => (int[])GetValue(key, GgufValueType.Array, GgufValueType.Int32).Value;

    /// <summary>Looks up a tensor by name.</summary>
    public bool TryGetTensor(string name, out GgufTensorInfo tensor) => _byName.TryGetValue(name, out tensor!);

    /// <summary>Reads the bytes of <paramref name="tensor"/>, one of this file's, into <paramref name="destination"/>.</summary>
    /// <exception cref="ArgumentException">Not one of this file's tensors, or the destination length differs from its byte length.</exception>
    public void ReadTensor(GgufTensorInfo tensor, Span<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (!_byName.TryGetValue(tensor.Name, out GgufTensorInfo? own) || own.Offset != tensor.Offset || own.ByteLength != tensor.ByteLength)
            throw new ArgumentException($"Tensor '{tensor.Name}' is not a tensor of {FilePath}.", nameof(tensor));
        if (destination.Length != tensor.ByteLength)
            throw new ArgumentException($"Tensor '{tensor.Name}' has {tensor.ByteLength} bytes; the destination holds {destination.Length}.", nameof(destination));
        _reader.ReadExactly(tensor.Offset, destination);
    }

    /// <summary>Reads the bytes of the tensor <paramref name="name"/> into a new array.</summary>
    /// <exception cref="ArgumentException">No such tensor, or it is too large for one array.</exception>
    public byte[] ReadTensor(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!_byName.TryGetValue(name, out GgufTensorInfo? tensor))
            throw new ArgumentException($"No tensor '{name}' in {FilePath}.", nameof(name));
        if (tensor.ByteLength > Array.MaxLength)
            throw new ArgumentException($"Tensor '{name}' has {tensor.ByteLength} bytes, more than one array holds.", nameof(name));
        var data = new byte[tensor.ByteLength];
        _reader.ReadExactly(tensor.Offset, data);
        return data;
    }
}
