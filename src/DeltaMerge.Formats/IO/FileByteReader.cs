using Microsoft.Win32.SafeHandles;

namespace DeltaMerge.Formats.IO;

/// <summary>Plain positional reads of a file (pread), without buffering or hashing.</summary>
public sealed class FileByteReader : IByteReader
{
    private readonly SafeFileHandle _handle;

    /// <summary>Opens <paramref name="path"/> for reading.</summary>
    public FileByteReader(string path)
    {
        FilePath = path;
        _handle = RegularFile.OpenRead(path, FileOptions.RandomAccess);
        Length = RandomAccess.GetLength(_handle);
    }

    /// <inheritdoc />
    public string FilePath { get; }

    /// <inheritdoc />
    public long Length { get; }

    /// <inheritdoc />
    public void ReadExactly(long offset, Span<byte> destination) => ReadExactly(_handle, FilePath, Length, offset, destination);

    /// <summary>Reads exactly <paramref name="destination"/>.Length bytes at <paramref name="offset"/> of a handle.</summary>
    /// <exception cref="EndOfStreamException">The range runs past the length the file had when opened.</exception>
    /// <exception cref="InputChangedException">The range lies inside that length but the file has shrunk since.</exception>
    internal static void ReadExactly(SafeFileHandle handle, string path, long lengthAtOpen, long offset, Span<byte> destination)
    {
        while (!destination.IsEmpty)
        {
            int n = RandomAccess.Read(handle, destination, offset);
            if (n == 0 && offset < lengthAtOpen) throw new InputChangedException(path, lengthAtOpen, offset);
            if (n == 0) throw new EndOfStreamException($"{path}: unexpected end of file at byte {offset}.");
            destination = destination[n..];
            offset += n;
        }
    }

    /// <inheritdoc />
    public void Dispose() => _handle.Dispose();
}
