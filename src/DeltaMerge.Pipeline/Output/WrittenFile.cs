namespace DeltaMerge.Pipeline.Output;

/// <summary>A file written into the output, with the SHA-256 of its bytes.</summary>
/// <param name="RelativeName">Name relative to the output directory.</param>
/// <param name="Length">Bytes.</param>
/// <param name="Sha256">Lower-case hex SHA-256.</param>
public sealed record WrittenFile(string RelativeName, long Length, string Sha256);
