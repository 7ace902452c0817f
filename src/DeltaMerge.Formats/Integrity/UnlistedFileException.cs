namespace DeltaMerge.Formats.Integrity;

/// <summary>A file was read that the given checksum list does not mention (allowed only when asked for).</summary>
public sealed class UnlistedFileException : Exception
{
    /// <summary>Creates the exception for <paramref name="filePath"/>.</summary>
    public UnlistedFileException(string filePath, string checksumSource)
        : base($"{filePath} is read by the merge but not listed in {checksumSource}; pass --allow-unlisted to accept unverified files.")
    {
        FilePath = filePath;
    }

    /// <summary>The unlisted file.</summary>
    public string FilePath { get; }
}
