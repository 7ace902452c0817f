using DeltaMerge.Formats.IO;

namespace DeltaMerge.Formats.Tests.Safetensors;

/// <summary>An in-memory <see cref="IByteReader"/> that fails loudly on any read outside the buffer.</summary>
internal sealed class MemoryByteReader(byte[] bytes, string filePath = MemoryByteReader.DefaultPath) : IByteReader
{
    public const string DefaultPath = "memory.safetensors";

    public string FilePath { get; } = filePath;

    public long Length => bytes.Length;

    public void ReadExactly(long offset, Span<byte> destination)
    {
        if (offset < 0 || offset > bytes.Length || destination.Length > bytes.Length - offset)
            throw new EndOfStreamException($"read of {destination.Length} bytes at {offset} outside a {bytes.Length}-byte buffer");
        bytes.AsSpan((int)offset, destination.Length).CopyTo(destination);
    }

    public void Dispose()
    {
    }
}
