namespace DeltaMerge.Formats.Integrity;

/// <summary>Digests of a whole file computed while it was read.</summary>
/// <param name="FilePath">The file.</param>
/// <param name="Length">Its length in bytes.</param>
/// <param name="Sha256">Lower-case hex SHA-256.</param>
/// <param name="Md5">Lower-case hex MD5, when it was asked for.</param>
/// <param name="RereadBytes">Bytes read from disk a second time because the file was consumed out of order.</param>
public sealed record FileDigests(string FilePath, long Length, string Sha256, string? Md5, long RereadBytes);
