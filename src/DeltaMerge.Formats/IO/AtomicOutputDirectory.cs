namespace DeltaMerge.Formats.IO;

/// <summary>
/// An output directory that appears complete or not at all: files are written into a hidden temporary sibling
/// (<c>.NAME.partial-XXXX</c>, same file system), flushed, and the directory is renamed into place by
/// <see cref="Commit"/>. Disposing without committing deletes the temporary directory. A process killed outright
/// leaves only the hidden <c>.partial</c> sibling, never a directory under the requested name.
/// </summary>
public sealed class AtomicOutputDirectory : IDisposable
{
    private readonly bool _replace;
    private readonly OutputLock _lock;
    private bool _committed;

    private AtomicOutputDirectory(string finalPath, string tempPath, bool replace, OutputLock outputLock)
    {
        FinalPath = finalPath;
        TempPath = tempPath;
        _replace = replace;
        _lock = outputLock;
    }

    /// <summary>The directory as the user named it; it exists only after <see cref="Commit"/>.</summary>
    public string FinalPath { get; }

    /// <summary>Where files are written until <see cref="Commit"/>.</summary>
    public string TempPath { get; }

    /// <summary>Starts an output at <paramref name="path"/>.</summary>
    /// <exception cref="OutputExistsException"><paramref name="path"/> exists and <paramref name="force"/> is false.</exception>
    public static AtomicOutputDirectory Create(string path, bool force)
    {
        string finalPath = Path.GetFullPath(path.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar));
        if (!force && (Directory.Exists(finalPath) || File.Exists(finalPath))) throw new OutputExistsException(finalPath);
        string parent = Path.GetDirectoryName(finalPath) ?? throw new ArgumentException($"{path} has no parent directory.", nameof(path));
        Directory.CreateDirectory(parent);
        var outputLock = OutputLock.Acquire(finalPath);
        try
        {
            string temp = Path.Combine(parent, PartialName(Path.GetFileName(finalPath)));
            Directory.CreateDirectory(temp);
            return new AtomicOutputDirectory(finalPath, temp, force, outputLock);
        }
        catch
        {
            outputLock.Dispose();
            throw;
        }
    }

    /// <summary>The hidden sibling name used for a partial output of <paramref name="name"/>.</summary>
    public static string PartialName(string name) => $".{name}.partial-{Guid.NewGuid().ToString("N")[..12]}";

    /// <summary>Path of <paramref name="relativeName"/> inside the temporary directory.</summary>
    public string PathOf(string relativeName) => Path.Combine(TempPath, relativeName);

    /// <summary>Renames the finished directory into place, replacing an existing one when forced.</summary>
    public void Commit()
    {
        if (_committed) throw new InvalidOperationException("The output was already committed.");
        string? old = null;
        if (Directory.Exists(FinalPath) || File.Exists(FinalPath))
        {
            if (!_replace) throw new OutputExistsException(FinalPath);
            old = Path.Combine(Path.GetDirectoryName(FinalPath)!, $".{Path.GetFileName(FinalPath)}.replaced-{Guid.NewGuid().ToString("N")[..12]}");
            if (Directory.Exists(FinalPath)) Directory.Move(FinalPath, old);
            else File.Move(FinalPath, old);
        }
        try
        {
            Directory.Move(TempPath, FinalPath);
        }
        catch when (old != null)
        {
            // The output that --force was replacing goes back under its name: a failed replace must not lose it.
            if (Directory.Exists(old)) Directory.Move(old, FinalPath);
            else File.Move(old, FinalPath);
            throw;
        }
        _committed = true;
        if (old != null)
        {
            if (Directory.Exists(old)) Directory.Delete(old, recursive: true);
            else File.Delete(old);
        }
    }

    /// <summary>Deletes the temporary directory unless the output was committed.</summary>
    public void Dispose()
    {
        using var release = _lock;
        if (_committed) return;
        try
        {
            if (Directory.Exists(TempPath)) Directory.Delete(TempPath, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a partial directory stays hidden under its .partial name and never looks complete.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
