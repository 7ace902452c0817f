namespace DeltaMerge.Tokenization;

/// <summary>A pair of adjacent symbols whose concatenation is a piece: symbol indices, combined length, the piece's score.</summary>
internal readonly record struct SymbolPair(int Left, int Right, int Length, float Score);

/// <summary>
/// A binary max-heap of <see cref="SymbolPair"/>: the best pair first, that is the higher score and, on equal scores,
/// the leftmost (SentencePiece's SymbolPairComparator). Hand-written rather than <see cref="PriorityQueue{TElement,TPriority}"/>
/// so that the comparison inlines: the merge loop spends most of its time here.
/// </summary>
internal sealed class SymbolPairQueue
{
    private SymbolPair[] _items = new SymbolPair[64];

    public int Count { get; private set; }

    public void Clear() => Count = 0;

    public void Enqueue(SymbolPair pair)
    {
        if (Count == _items.Length) Array.Resize(ref _items, _items.Length * 2);
        int i = Count++;
        while (i > 0)
        {
            int parent = (i - 1) >> 1;
            if (!Before(pair, _items[parent])) break;
            _items[i] = _items[parent];
            i = parent;
        }
        _items[i] = pair;
    }

    public bool TryDequeue(out SymbolPair top)
    {
        if (Count == 0)
        {
            top = default;
            return false;
        }
        top = _items[0];
        SymbolPair last = _items[--Count];
        int i = 0;
        while (true)
        {
            int child = 2 * i + 1;
            if (child >= Count) break;
            if (child + 1 < Count && Before(_items[child + 1], _items[child])) child++;
            if (!Before(_items[child], last)) break;
            _items[i] = _items[child];
            i = child;
        }
        if (Count > 0) _items[i] = last;
        return true;
    }

    private static bool Before(in SymbolPair x, in SymbolPair y) => x.Score > y.Score || (x.Score == y.Score && x.Left < y.Left);
}
