namespace DeltaMerge.Formats.IO;

/// <summary>Another process is writing the same output (its lock is held): an I/O conflict, not a bad input.</summary>
public sealed class OutputLockedException(string path, Exception inner)
    : IOException($"{path}: another deltamerge process is writing this output; wait for it to finish or choose another output path.", inner)
{
    /// <summary>The output path.</summary>
    public string OutputPath { get; } = path;
}
