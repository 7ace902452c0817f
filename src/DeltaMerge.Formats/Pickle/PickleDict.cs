namespace DeltaMerge.Formats.Pickle;

/// <summary>A Python dict or OrderedDict as the unpickler builds it: pairs in insertion order.</summary>
internal sealed class PickleDict
{
    private readonly List<KeyValuePair<object?, object?>> _items = [];
    // Index of hashable keys (str, int, bool) so a repeated key replaces its value in place, as in Python.
    private readonly Dictionary<object, int> _index = [];

    /// <summary>Pairs in insertion order.</summary>
    public IReadOnlyList<KeyValuePair<object?, object?>> Items => _items;

    /// <summary>Number of pairs.</summary>
    public int Count => _items.Count;

    /// <summary>Sets <paramref name="key"/> to <paramref name="value"/>.</summary>
    public void Set(object? key, object? value)
    {
        if (key is string or long or bool)
        {
            if (_index.TryGetValue(key, out int at))
            {
                _items[at] = new(key, value);
                return;
            }
            _index[key] = _items.Count;
        }
        _items.Add(new(key, value));
    }
}
