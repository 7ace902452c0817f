using DeltaMerge.Formats.IO;

namespace DeltaMerge.Fuzz;

/// <summary>An <see cref="IByteReader"/> over the fuzz input, with a file's semantics: a read past the end is an EndOfStreamException.</summary>
internal sealed class MemoryByteReader(byte[] bytes, string filePath) : IByteReader
{
    public string FilePath { get; } = filePath;

    public long Length => bytes.Length;

    public void ReadExactly(long offset, Span<byte> destination)
    {
        if (offset < 0 || offset > bytes.Length || destination.Length > bytes.Length - offset)
            throw new EndOfStreamException($"read of {destination.Length} bytes at {offset} outside a {bytes.Length}-byte file");
        bytes.AsSpan((int)offset, destination.Length).CopyTo(destination);
    }

    public void Dispose()
    {
    }
}
