namespace DeltaMerge.Formats.Integrity;

/// <summary>One line of a checksum file.</summary>
/// <param name="Name">File name relative to the directory the list describes.</param>
/// <param name="Algorithm">Digest algorithm, from the digest's length.</param>
/// <param name="Hex">Lower-case hexadecimal digest.</param>
public sealed record ExpectedDigest(string Name, HashAlgorithmKind Algorithm, string Hex);
