using DeltaMerge.Formats.IO;

namespace DeltaMerge.Runtime.Weights;

/// <summary>One positional reader per file, opened on first use and closed together when loading ends.</summary>
internal sealed class ReaderPool(Func<string, IByteReader>? openFile = null) : IDisposable
{
    private readonly Dictionary<string, IByteReader> _readers = new(StringComparer.Ordinal);
    private readonly Func<string, IByteReader> _openFile = openFile ?? (path => new FileByteReader(path));

    public IByteReader Get(string path)
    {
        if (!_readers.TryGetValue(path, out var reader))
            _readers[path] = reader = _openFile(path);
        return reader;
    }

    public void Dispose()
    {
        foreach (var r in _readers.Values) r.Dispose();
        _readers.Clear();
    }
}
