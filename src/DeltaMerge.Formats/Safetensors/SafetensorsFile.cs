using DeltaMerge.Formats.IO;

namespace DeltaMerge.Formats.Safetensors;

/// <summary>A validated safetensors file and reads of its tensors, all through one <see cref="IByteReader"/> the caller owns.</summary>
public sealed class SafetensorsFile
{
    private readonly IByteReader _reader;

    private SafetensorsFile(IByteReader reader, SafetensorsHeader header)
    {
        _reader = reader;
        Header = header;
    }

    /// <summary>The validated header.</summary>
    public SafetensorsHeader Header { get; }

    /// <summary>The tensors ordered by data offset.</summary>
    public IReadOnlyList<TensorEntry> Tensors => Header.Tensors;

    /// <summary>Reads and validates the header of the file behind <paramref name="reader"/>; the reader is not disposed.</summary>
    /// <exception cref="CheckpointFormatException">The file breaks a rule of the format.</exception>
    public static SafetensorsFile Open(IByteReader reader) => new(reader, SafetensorsHeader.Read(reader));

    /// <summary>Reads the bytes of <paramref name="entry"/>, one of this file's tensors, into <paramref name="destination"/>.</summary>
    /// <exception cref="ArgumentException">The entry is not one of this file's, or the destination length differs from its byte length.</exception>
    public void ReadTensor(TensorEntry entry, Span<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (!Header.TryGetTensor(entry.Name, out TensorEntry? own) || own.Offset != entry.Offset || own.ByteLength != entry.ByteLength)
            throw new ArgumentException($"Tensor '{entry.Name}' is not an entry of {Header.FilePath}.", nameof(entry));
        if (destination.Length != entry.ByteLength)
            throw new ArgumentException($"Tensor '{entry.Name}' has {entry.ByteLength} bytes; the destination holds {destination.Length}.", nameof(destination));
        _reader.ReadExactly(entry.Offset, destination);
    }

    /// <summary>Reads the bytes of the tensor <paramref name="name"/> into a new array.</summary>
    /// <exception cref="ArgumentException">No such tensor, or it is too large for one array.</exception>
    public byte[] ReadTensor(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!Header.TryGetTensor(name, out TensorEntry? entry))
            throw new ArgumentException($"No tensor '{name}' in {Header.FilePath}.", nameof(name));
        if (entry.ByteLength > Array.MaxLength)
            throw new ArgumentException($"Tensor '{name}' has {entry.ByteLength} bytes, more than one array holds.", nameof(name));
        var data = new byte[entry.ByteLength];
        _reader.ReadExactly(entry.Offset, data);
        return data;
    }
}
