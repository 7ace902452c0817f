namespace DeltaMerge.Formats.IO;

/// <summary>
/// A single output file that appears complete or not at all: written as a hidden sibling (<c>.NAME.partial-XXXX</c>),
/// flushed, and renamed into place by <see cref="Commit"/>; disposed without commit, the partial file is deleted.
/// </summary>
public sealed class AtomicOutputFile : IDisposable
{
    private readonly bool _replace;
    private readonly OutputLock _lock;
    private bool _committed;

    private AtomicOutputFile(string finalPath, string tempPath, bool replace, OutputLock outputLock)
    {
        FinalPath = finalPath;
        TempPath = tempPath;
        _replace = replace;
        _lock = outputLock;
    }

    /// <summary>The path as the user named it; it exists only after <see cref="Commit"/>.</summary>
    public string FinalPath { get; }

    /// <summary>Where the bytes are written until <see cref="Commit"/>.</summary>
    public string TempPath { get; }

    /// <summary>Starts an output file at <paramref name="path"/>.</summary>
    /// <exception cref="OutputExistsException"><paramref name="path"/> exists and <paramref name="force"/> is false.</exception>
    public static AtomicOutputFile Create(string path, bool force)
    {
        string finalPath = Path.GetFullPath(path);
        if (!force && (File.Exists(finalPath) || Directory.Exists(finalPath))) throw new OutputExistsException(finalPath);
        if (Directory.Exists(finalPath)) throw new OutputExistsException(finalPath);
        string parent = Path.GetDirectoryName(finalPath)!;
        Directory.CreateDirectory(parent);
        return new AtomicOutputFile(finalPath, Path.Combine(parent, AtomicOutputDirectory.PartialName(Path.GetFileName(finalPath))), force,
            OutputLock.Acquire(finalPath));
    }

    /// <summary>Opens the temporary file for writing (once).</summary>
    public FileStream OpenWrite() => new(TempPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20);

    /// <summary>Renames the finished file into place (replacing an existing one when forced).</summary>
    public void Commit()
    {
        if (_committed) throw new InvalidOperationException("The output was already committed.");
        if (!_replace && File.Exists(FinalPath)) throw new OutputExistsException(FinalPath);
        File.Move(TempPath, FinalPath, overwrite: _replace);
        _committed = true;
    }

    /// <summary>Deletes the temporary file unless committed.</summary>
    public void Dispose()
    {
        using var release = _lock;
        if (_committed) return;
        try
        {
            File.Delete(TempPath);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
