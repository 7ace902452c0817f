using System.Diagnostics.CodeAnalysis;
using DeltaMerge.Formats.IO;

namespace DeltaMerge.Formats.Safetensors;

/// <summary>
/// The validated header of one safetensors file: its tensors in data order, with absolute offsets, and its metadata.
/// </summary>
public sealed class SafetensorsHeader
{
    private readonly IReadOnlyDictionary<string, TensorEntry> _byName;

    internal SafetensorsHeader(string filePath, long headerLength, IReadOnlyList<TensorEntry> tensors,
        IReadOnlyDictionary<string, TensorEntry> byName, IReadOnlyDictionary<string, string> metadata)
    {
        FilePath = filePath;
        HeaderLength = headerLength;
        Tensors = tensors;
        _byName = byName;
        Metadata = metadata;
    }

    /// <summary>The file the header was read from.</summary>
    public string FilePath { get; }

    /// <summary>Length <c>n</c> of the JSON header, padding included, without the 8-byte prefix.</summary>
    public long HeaderLength { get; }

    /// <summary>Absolute offset of the first data byte (<c>8 + n</c>).</summary>
    public long DataStart => SafetensorsConstants.HeaderLengthPrefixSize + HeaderLength;

    /// <summary>The tensors ordered by data offset (ties keep header order).</summary>
    public IReadOnlyList<TensorEntry> Tensors { get; }

    /// <summary>The tensors by name.</summary>
    public IReadOnlyDictionary<string, TensorEntry> TensorsByName => _byName;

    /// <summary>The <c>__metadata__</c> strings; empty when the header has none.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Looks a tensor up by name.</summary>
    public bool TryGetTensor(string name, [MaybeNullWhen(false)] out TensorEntry entry) => _byName.TryGetValue(name, out entry);

    /// <summary>
    /// Reads and validates the header through <paramref name="reader"/> (only the prefix and the header bytes are read),
    /// checking that the data section exactly fills the rest of the file.
    /// </summary>
    /// <exception cref="CheckpointFormatException">The file breaks a rule of the format; <see cref="CheckpointFormatException.Kind"/> says which.</exception>
    /// <exception cref="IOException">The reader failed.</exception>
    public static SafetensorsHeader Read(IByteReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        return SafetensorsHeaderParser.Parse(reader);
    }
}
