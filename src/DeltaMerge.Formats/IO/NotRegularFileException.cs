namespace DeltaMerge.Formats.IO;

/// <summary>An input path names a FIFO, socket or device instead of a regular file: it cannot be read as one (exit 5).</summary>
public sealed class NotRegularFileException(string path)
    : IOException($"{path}: not a regular file (a FIFO, socket or device); inputs must be regular files.")
{
    /// <summary>The path.</summary>
    public string FilePath { get; } = path;
}
