namespace DeltaMerge.Formats.IO;

/// <summary>
/// An input file ended before the length it had when it was opened: it was truncated (or rewritten) while being read.
/// An I/O failure (exit 5), not a malformed file, since the file was valid when its header was checked.
/// </summary>
public sealed class InputChangedException(string path, long lengthAtOpen, long offset)
    : IOException($"{path}: the file changed while being read: it had {lengthAtOpen} bytes when opened but ended at byte {offset}.")
{
    /// <summary>The input file.</summary>
    public string FilePath { get; } = path;
}
