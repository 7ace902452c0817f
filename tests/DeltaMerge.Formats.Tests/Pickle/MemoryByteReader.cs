using DeltaMerge.Formats.IO;

namespace DeltaMerge.Formats.Tests.Pickle;

/// <summary>An in-memory file for hand-made fixtures.</summary>
internal sealed class MemoryByteReader(byte[] bytes, string filePath = "memory.pt") : IByteReader
{
    public string FilePath { get; } = filePath;

    public long Length => bytes.Length;

    public void ReadExactly(long offset, Span<byte> destination)
    {
        if (offset < 0 || offset > bytes.Length - destination.Length)
            throw new EndOfStreamException($"{FilePath}: read of {destination.Length} bytes at {offset} past the end ({bytes.Length}).");
        bytes.AsSpan((int)offset, destination.Length).CopyTo(destination);
    }

    public void Dispose()
    {
    }
}
