namespace DeltaMerge.Formats.Pickle;

/// <summary>One entry of a zip central directory; where its data starts is read from its local header on demand.</summary>
/// <param name="Name">The entry's path inside the archive.</param>
/// <param name="Method">Compression method (0 = stored).</param>
/// <param name="Flags">General purpose bit flags.</param>
/// <param name="CompressedSize">Bytes of the entry's data in the file.</param>
/// <param name="UncompressedSize">Bytes of the entry's content.</param>
/// <param name="LocalHeaderOffset">Absolute offset of the entry's local file header.</param>
internal sealed record ZipEntry(string Name, ushort Method, ushort Flags, long CompressedSize, long UncompressedSize, long LocalHeaderOffset);
