namespace DeltaMerge.Formats.IO;

/// <summary>
/// Positional reads from one file. Readers of every format go through this, so the merge can hash the bytes
/// on the same pass that reads them (see <c>Integrity.HashingFileReader</c>).
/// </summary>
public interface IByteReader : IDisposable
{
    /// <summary>The file's path, for messages.</summary>
    string FilePath { get; }

    /// <summary>The file's length in bytes.</summary>
    long Length { get; }

    /// <summary>Fills <paramref name="destination"/> with the bytes at <paramref name="offset"/>.</summary>
    /// <exception cref="EndOfStreamException">The range runs past the end of the file.</exception>
    void ReadExactly(long offset, Span<byte> destination);
}
