using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using DeltaMerge.Formats;
using DeltaMerge.Formats.SentencePiece;

namespace DeltaMerge.Tokenization;

/// <summary>
/// SentencePiece's BPE segmentation of normalized text (bpe_model.cc and the processor's unknown/byte handling),
/// restated: symbols in a linked list, a priority queue of adjacent pairs whose concatenation is a piece, best score
/// first and, on equal scores, the leftmost pair first. Ours rather than Microsoft.ML.Tokenizers' because that library
/// merges the rightmost of equal-score pairs first (docs/tokenizer.md).
/// </summary>
internal sealed class SentencePieceBpe
{
    // Normal, user-defined and unused pieces: what merges may produce (SentencePiece's pieces_).
    private readonly Dictionary<string, int> _mergeable = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _mergeableBySpan;
    // Control, unknown and byte pieces: found by exact text only (SentencePiece's reserved_id_map_).
    private readonly Dictionary<string, int> _reserved = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _reservedBySpan;
    private readonly float[] _scores;
    private readonly bool[] _unused;
    private readonly string[] _userDefined; // longest first: the first match at a position is the longest
    private readonly int[] _byteIds;        // id of <0xNN> per byte; the unknown id where the model lacks it
    private readonly bool _byteFallback;
    private readonly bool _hasUnused;
    // Ids of chunks seen before (bounded; shared by all threads encoding with this vocabulary).
    private const int MaxCachedChunks = 1 << 16, MaxCachedChunkLength = 64;
    private readonly ConcurrentDictionary<string, int[]> _chunkCache = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int[]>.AlternateLookup<ReadOnlySpan<char>> _chunkCacheBySpan;
    private int _chunkCacheCount;
    // Every pair of code points that occur next to each other inside a mergeable piece, as (first << 21) | second.
    private readonly HashSet<long> _adjacentInPieces = [];

    /// <param name="pieces">The SentencePiece model's pieces, index = id.</param>
    /// <param name="byteFallback">trainer_spec.byte_fallback: unknown characters become byte pieces.</param>
    /// <param name="source">Named in error messages.</param>
    /// <exception cref="CheckpointFormatException">The pieces break SentencePiece's own rules (empty or duplicate
    /// piece, no or two unknown pieces, a malformed byte piece).</exception>
    public SentencePieceBpe(IReadOnlyList<SentencePieceToken> pieces, bool byteFallback, string source)
    {
        _mergeableBySpan = _mergeable.GetAlternateLookup<ReadOnlySpan<char>>();
        _reservedBySpan = _reserved.GetAlternateLookup<ReadOnlySpan<char>>();
        _chunkCacheBySpan = _chunkCache.GetAlternateLookup<ReadOnlySpan<char>>();
        _scores = new float[pieces.Count];
        _unused = new bool[pieces.Count];
        _byteFallback = byteFallback;
        var userDefined = new List<string>();
        int unknownId = -1;
        for (int id = 0; id < pieces.Count; id++)
        {
            (string text, float score, SentencePieceTokenType type) = pieces[id];
            if (text.Length == 0) throw Invalid($"piece {id} is empty", source);
            bool mergeable = type is SentencePieceTokenType.Normal or SentencePieceTokenType.UserDefined or SentencePieceTokenType.Unused;
            if (!(mergeable ? _mergeable : _reserved).TryAdd(text, id)) throw Invalid($"piece '{text}' is defined twice", source);
            _scores[id] = score;
            _unused[id] = type == SentencePieceTokenType.Unused;
            _hasUnused |= _unused[id];
            if (type == SentencePieceTokenType.UserDefined) userDefined.Add(text);
            if (mergeable) AddAdjacentPairs(text);
            if (type == SentencePieceTokenType.Unknown)
            {
                if (unknownId >= 0) throw Invalid($"pieces {unknownId} and {id} are both unknown pieces", source);
                unknownId = id;
            }
            if (type == SentencePieceTokenType.Byte && TokenTable.ParseByte(text) == null)
                throw Invalid($"byte piece {id} is '{text}', expected <0xNN>", source);
        }
        UnknownId = unknownId >= 0 ? unknownId : throw Invalid("no unknown piece", source);
        _userDefined = userDefined.OrderByDescending(t => t.Length).ThenBy(t => t, StringComparer.Ordinal).ToArray();
        _byteIds = new int[256];
        for (int b = 0; b < 256; b++) _byteIds[b] = PieceToId(string.Create(CultureInfo.InvariantCulture, $"<0x{b:X2}>"));
    }

    private void AddAdjacentPairs(string piece)
    {
        int previous = -1;
        for (int at = 0; at < piece.Length; at += CharLength(piece, at))
        {
            int current = CodePoint(piece, at);
            if (previous >= 0) _adjacentInPieces.Add(((long)previous << 21) | (uint)current);
            previous = current;
        }
    }

    /// <summary>The unknown piece's id (by type, as SentencePiece finds it).</summary>
    public int UnknownId { get; }

    /// <summary>Appends the ids of <paramref name="normalized"/> (from <see cref="SentencePieceNormalizer"/>) to <paramref name="ids"/>.</summary>
    public void Encode(string normalized, List<int> ids)
    {
        if (normalized.Length == 0) return;
        var symbols = new Symbol[normalized.Length];
        var agenda = new SymbolPairQueue();
        bool previousUnknown = false;
        if (_hasUnused)
        {
            // An unused piece is split back as the last queued pair over the whole text made it: no chunks.
            EncodeChunk(normalized, 0, normalized.Length, symbols, agenda, ids, ref previousUnknown);
            return;
        }
        // Where two neighbouring characters occur next to each other in no piece, no merge can join them: the two sides
        // are segmented independently, with the same result and much smaller queues (typically one chunk per word).
        int start = 0, previous = -1;
        for (int at = 0; at < normalized.Length;)
        {
            int length = CharLength(normalized, at);
            int current = CodePoint(normalized, at);
            if (at > start && !_adjacentInPieces.Contains(((long)previous << 21) | (uint)current))
            {
                EncodeChunkCached(normalized, start, at, symbols, agenda, ids, ref previousUnknown);
                start = at;
            }
            previous = current;
            at += length;
        }
        EncodeChunkCached(normalized, start, normalized.Length, symbols, agenda, ids, ref previousUnknown);
    }

    /// <summary>
    /// A chunk's ids depend on its text alone, so words seen before are looked up. Only with byte fallback: without it a
    /// run of unknown characters across chunks is one id, which a cached chunk cannot know.
    /// </summary>
    private void EncodeChunkCached(string normalized, int start, int end, Symbol[] symbols, SymbolPairQueue agenda,
        List<int> ids, ref bool previousUnknown)
    {
        ReadOnlySpan<char> chunk = normalized.AsSpan(start, end - start);
        if (!_byteFallback || chunk.Length > MaxCachedChunkLength)
        {
            EncodeChunk(normalized, start, end, symbols, agenda, ids, ref previousUnknown);
            return;
        }
        if (_chunkCacheBySpan.TryGetValue(chunk, out int[]? cached))
        {
            ids.AddRange(cached);
            return;
        }
        int before = ids.Count;
        EncodeChunk(normalized, start, end, symbols, agenda, ids, ref previousUnknown);
        if (_chunkCacheCount < MaxCachedChunks && _chunkCache.TryAdd(chunk.ToString(), ids.GetRange(before, ids.Count - before).ToArray()))
            Interlocked.Increment(ref _chunkCacheCount);
    }

    private void EncodeChunk(string normalized, int start, int end, Symbol[] symbols, SymbolPairQueue agenda,
        List<int> ids, ref bool previousUnknown)
    {
        int count = Split(normalized, start, end, symbols);
        agenda.Clear();
        Dictionary<string, (string Left, string Right)>? unusedMerges = null;
        for (int i = 1; i < count; i++) TryQueue(normalized, symbols, i - 1, i, agenda, ref unusedMerges);

        while (agenda.TryDequeue(out SymbolPair top))
        {
            ref Symbol left = ref symbols[top.Left];
            ref Symbol right = ref symbols[top.Right];
            // Stale: one side was merged away or grew since the pair was queued (lengths only ever grow).
            if (left.Length == 0 || right.Length == 0 || left.Length + right.Length != top.Length) continue;
            left.Length += right.Length;
            left.Next = right.Next;
            if (right.Next >= 0) symbols[right.Next].Prev = top.Left;
            right.Length = 0;
            TryQueue(normalized, symbols, left.Prev, top.Left, agenda, ref unusedMerges);
            TryQueue(normalized, symbols, top.Left, left.Next, agenda, ref unusedMerges);
        }

        for (int i = 0; i >= 0; i = symbols[i].Next)
        {
            ReadOnlySpan<char> piece = normalized.AsSpan(symbols[i].Start, symbols[i].Length);
            int id = PieceToId(piece);
            if (unusedMerges != null && _unused[id]) Resegment(piece.ToString(), unusedMerges, ids, ref previousUnknown);
            else Emit(piece, id, ids, ref previousUnknown);
        }
    }

    private void Emit(ReadOnlySpan<char> piece, int id, List<int> ids, ref bool previousUnknown)
    {
        bool unknown = id == UnknownId;
        if (unknown && _byteFallback)
        {
            Span<byte> utf8 = stackalloc byte[Encoding.UTF8.GetMaxByteCount(piece.Length)];
            int n = Encoding.UTF8.GetBytes(piece, utf8);
            foreach (byte b in utf8[..n]) ids.Add(_byteIds[b]);
        }
        else if (!(unknown && previousUnknown))
        {
            ids.Add(id); // without byte fallback a run of unknown symbols is one unknown id, as SentencePiece merges them
        }
        previousUnknown = unknown;
    }

    /// <summary>An unused piece is not output: it is split back into the two symbols last queued to make it.</summary>
    private void Resegment(string piece, Dictionary<string, (string Left, string Right)> unusedMerges, List<int> ids,
        ref bool previousUnknown)
    {
        int id = PieceToId(piece);
        if (!_unused[id] || !unusedMerges.TryGetValue(piece, out var parts))
        {
            Emit(piece, id, ids, ref previousUnknown);
            return;
        }
        Resegment(parts.Left, unusedMerges, ids, ref previousUnknown);
        Resegment(parts.Right, unusedMerges, ids, ref previousUnknown);
    }

    private void TryQueue(string normalized, Symbol[] symbols, int left, int right, SymbolPairQueue agenda,
        ref Dictionary<string, (string, string)>? unusedMerges)
    {
        if (left < 0 || right < 0 || symbols[left].Frozen || symbols[right].Frozen) return;
        int length = symbols[left].Length + symbols[right].Length;
        if (!_mergeableBySpan.TryGetValue(normalized.AsSpan(symbols[left].Start, length), out int id)) return;
        agenda.Enqueue(new SymbolPair(left, right, length, _scores[id]));
        if (_unused[id])
        {
            // SentencePiece records the split of every queued pair that makes an unused piece; the last one wins.
            unusedMerges ??= new Dictionary<string, (string, string)>(StringComparer.Ordinal);
            unusedMerges[normalized.Substring(symbols[left].Start, length)] =
                (normalized.Substring(symbols[left].Start, symbols[left].Length), normalized.Substring(symbols[right].Start, symbols[right].Length));
        }
    }

    /// <summary>One symbol per character (a surrogate pair is one character), or per user-defined piece, which is frozen.</summary>
    private int Split(string normalized, int start, int end, Symbol[] symbols)
    {
        int count = 0;
        for (int at = start; at < end; count++)
        {
            int length = MatchUserDefined(normalized, at, end);
            bool frozen = length > 0;
            if (!frozen) length = CharLength(normalized, at);
            symbols[count] = new Symbol { Start = at, Length = length, Prev = count - 1, Next = -1, Frozen = frozen };
            if (count > 0) symbols[count - 1].Next = count;
            at += length;
        }
        return count;
    }

    private static int CharLength(string text, int at) =>
        char.IsHighSurrogate(text[at]) && at + 1 < text.Length && char.IsLowSurrogate(text[at + 1]) ? 2 : 1;

    private static int CodePoint(string text, int at) =>
        CharLength(text, at) == 2 ? char.ConvertToUtf32(text[at], text[at + 1]) : text[at];

    private int MatchUserDefined(string text, int at, int end)
    {
        foreach (string piece in _userDefined)
            if (at + piece.Length <= end && string.CompareOrdinal(text, at, piece, 0, piece.Length) == 0) return piece.Length;
        return 0;
    }

    /// <summary>SentencePiece's PieceToId: reserved pieces first, then the others, else the unknown id.</summary>
    private int PieceToId(ReadOnlySpan<char> piece) =>
        _reservedBySpan.TryGetValue(piece, out int id) || _mergeableBySpan.TryGetValue(piece, out id) ? id : UnknownId;

    private static CheckpointFormatException Invalid(string message, string source) =>
        new(FormatErrorKind.SentencePieceInvalid, message, source);

    private struct Symbol
    {
        public int Start, Length, Prev, Next;
        public bool Frozen;
    }
}
