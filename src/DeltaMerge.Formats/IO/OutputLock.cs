namespace DeltaMerge.Formats.IO;

/// <summary>
/// An exclusive lock on one output path, held from the start of a job until its output is committed or removed, so two
/// jobs started at once into the same --out cannot both write (and one silently replace the other's result). The lock
/// is a hidden sibling file locked with flock (FileShare.None on Unix), so it is released when the process dies, even
/// by kill -9; the file itself is removed when the lock is released.
/// </summary>
public sealed class OutputLock : IDisposable
{
    private readonly FileStream _stream;

    private OutputLock(FileStream stream, string path)
    {
        _stream = stream;
        LockPath = path;
    }

    /// <summary>The lock file: <c>.NAME.lock</c> beside the output.</summary>
    public string LockPath { get; }

    /// <summary>Takes the lock for <paramref name="finalPath"/> (whose parent directory must exist).</summary>
    /// <exception cref="OutputLockedException">Another process holds it.</exception>
    public static OutputLock Acquire(string finalPath)
    {
        string path = Path.Combine(Path.GetDirectoryName(finalPath)!, $".{Path.GetFileName(finalPath)}.lock");
        try
        {
            return new OutputLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None), path);
        }
        catch (IOException e) when (e is not (FileNotFoundException or DirectoryNotFoundException or PathTooLongException) && File.Exists(path))
        {
            throw new OutputLockedException(finalPath, e);
        }
    }

    /// <summary>Removes the lock file, then releases the lock.</summary>
    public void Dispose()
    {
        // Deleted while still held, so no other process can take a lock on a file about to disappear.
        try { File.Delete(LockPath); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        _stream.Dispose();
    }
}
