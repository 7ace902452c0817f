namespace DeltaMerge.Formats.Gather;

/// <summary><see cref="Length"/> bytes at <see cref="Offset"/> of <see cref="FilePath"/>: one read of a gathered tensor.</summary>
/// <param name="FilePath">The file holding the bytes.</param>
/// <param name="Offset">Absolute byte offset in the file.</param>
/// <param name="Length">Number of bytes.</param>
public readonly record struct ByteRange(string FilePath, long Offset, long Length);
