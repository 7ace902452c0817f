using System.IO.MemoryMappedFiles;

namespace DeltaMerge.Runtime.Weights;

/// <summary>
/// Model files mapped into memory, one mapping per file, kept for the model's lifetime. Mappings are copy-on-write:
/// the model reads the file's pages straight from the page cache (a 7B model "loads" in seconds and its pages are
/// shared with other readers), and an edit made in memory never reaches the file.
/// </summary>
internal sealed unsafe class MappedFiles : IDisposable
{
    private readonly Dictionary<string, (MemoryMappedFile File, MemoryMappedViewAccessor View, nint Base, long Length)> _maps = new(StringComparer.Ordinal);

    /// <summary>A pointer to byte <paramref name="offset"/> of <paramref name="path"/>, valid for <paramref name="length"/> bytes until disposal.</summary>
    /// <exception cref="ModelLoadException">The range passes the end of the file.</exception>
    public byte* Pointer(string path, long offset, long length)
    {
        if (!_maps.TryGetValue(path, out var map))
        {
            long fileLength = new FileInfo(path).Length;
            var file = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.CopyOnWrite);
            var view = file.CreateViewAccessor(0, 0, MemoryMappedFileAccess.CopyOnWrite);
            byte* start = null;
            view.SafeMemoryMappedViewHandle.AcquirePointer(ref start);
            _maps[path] = map = (file, view, (nint)(start + view.PointerOffset), fileLength);
        }
        if (offset < 0 || length < 0 || offset > map.Length - length)
            throw new ModelLoadException(ModelLoadErrorKind.ShapeMismatch,
                $"bytes {offset}..{offset + length} lie past the end of the file ({map.Length} bytes).", path);
        return (byte*)map.Base + offset;
    }

    public void Dispose()
    {
        foreach (var (file, view, _, _) in _maps.Values)
        {
            view.SafeMemoryMappedViewHandle.ReleasePointer();
            view.Dispose();
            file.Dispose();
        }
        _maps.Clear();
    }
}
