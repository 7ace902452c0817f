namespace DeltaMerge.Formats.Integrity;

/// <summary>A file's bytes do not match the digest a checksum list gives for it.</summary>
public sealed class ChecksumMismatchException : Exception
{
    /// <summary>Creates the exception for <paramref name="filePath"/>.</summary>
    public ChecksumMismatchException(string filePath, HashAlgorithmKind algorithm, string expectedHex, string actualHex)
        : base($"{filePath}: {algorithm.ToString().ToUpperInvariant()} mismatch: expected {expectedHex}, computed {actualHex}. " +
               "The file is corrupt, truncated or not the file the checksum list describes.")
    {
        FilePath = filePath;
        Algorithm = algorithm;
        ExpectedHex = expectedHex;
        ActualHex = actualHex;
    }

    /// <summary>The file whose digest differs.</summary>
    public string FilePath { get; }

    /// <summary>The algorithm of the failing digest.</summary>
    public HashAlgorithmKind Algorithm { get; }

    /// <summary>The digest the list expected.</summary>
    public string ExpectedHex { get; }

    /// <summary>The digest of the bytes read.</summary>
    public string ActualHex { get; }
}
