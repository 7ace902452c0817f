using System.Text;

namespace DeltaMerge.Tokenization;

/// <summary>
/// Decodes ids one at a time, returning the text each adds. Bytes of byte-fallback pieces are held until they form a
/// whole UTF-8 character (or are known invalid), so no character is split across outputs; the concatenation of every
/// <see cref="Push"/> and the final <see cref="Flush"/> equals <see cref="LlamaTokenizer.Decode"/> of all ids.
/// </summary>
/// <remarks>
/// Follows SentencePiece's <c>Decode</c> loop (0.1.9x): control pieces decode to nothing, the unknown piece to
/// <c>" ⁇ "</c>; runs of byte pieces are decoded as UTF-8 with one U+FFFD per invalid byte; the leading U+2581 of a
/// piece is dropped while no text has been produced and no earlier piece had its U+2581 dropped.
/// <see cref="LlamaTokenizer.Decode"/> is this class run over the whole list, so the two cannot disagree.
/// </remarks>
public sealed class IncrementalDecoder
{
    private readonly TokenTable _table;
    private readonly IReadOnlySet<int>? _skip;
    private readonly List<byte> _pending = [];
    private bool _isBosWs = true;
    private bool _bosWsSeen;
    private bool _textNonEmpty;

    internal IncrementalDecoder(TokenTable table, IReadOnlySet<int>? skip)
    {
        _table = table;
        _skip = skip;
    }

    /// <summary>Whether bytes of an unfinished character are held back.</summary>
    public bool HasPendingBytes => _pending.Count > 0;

    /// <summary>Adds one id; returns the text it completes (possibly empty).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The id is outside the vocabulary.</exception>
    public string Push(int id)
    {
        if ((uint)id >= (uint)_table.Count)
            throw new ArgumentOutOfRangeException(nameof(id), id, $"Token id outside the vocabulary of {_table.Count}.");
        if (_skip != null && _skip.Contains(id)) return ""; // as transformers: skipped ids are removed before decoding
        var text = new StringBuilder();
        if (_table.Kind(id) == TokenKind.Byte)
        {
            _pending.Add(_table.Bytes[id]);
            DrainBytes(text, final: false);
            return text.ToString();
        }

        DrainBytes(text, final: true); // a non-byte piece ends the byte run
        if (_bosWsSeen || _textNonEmpty) _isBosWs = false;
        _bosWsSeen = AppendPiece(text, id);
        if (text.Length > 0) _textNonEmpty = true;
        return text.ToString();
    }

    /// <summary>Ends the sequence: held bytes that never completed a character become U+FFFD, one per byte.</summary>
    public string Flush()
    {
        var text = new StringBuilder();
        DrainBytes(text, final: true);
        return text.ToString();
    }

    /// <summary>Appends the piece's surface; returns whether it consumed the leading-space U+2581.</summary>
    private bool AppendPiece(StringBuilder text, int id)
    {
        switch (_table.Kind(id))
        {
            case TokenKind.Control:
                return false;
            case TokenKind.Unknown:
                text.Append(TokenTable.UnknownSurface);
                return false;
            case TokenKind.Added:
                text.Append(_table.Text(id));
                return false;
        }
        ReadOnlySpan<char> piece = _table.Text(id);
        bool consumed = false;
        if (_isBosWs && _table.RemoveLeadingSpace && piece.Length > 0 && piece[0] == TokenTable.SpaceSymbol)
        {
            piece = piece[1..];
            // With remove_extra_whitespaces every leading space goes, so SentencePiece keeps looking.
            consumed = !_table.RemoveExtraWhitespaces;
        }
        foreach (char c in piece) text.Append(c == TokenTable.SpaceSymbol ? ' ' : c);
        return consumed;
    }

    private void DrainBytes(StringBuilder text, bool final)
    {
        if (_pending.Count == 0) return;
        ReadOnlySpan<byte> bytes = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_pending);
        int offset = 0;
        int before = text.Length;
        while (offset < bytes.Length)
        {
            SentencePieceUtf8.Step step = SentencePieceUtf8.Classify(bytes[offset..], final, out int length, out int codePoint);
            if (step == SentencePieceUtf8.Step.NeedMore) break;
            if (step == SentencePieceUtf8.Step.Invalid) text.Append('\uFFFD');
            else text.Append(char.ConvertFromUtf32(codePoint));
            offset += length;
        }
        _pending.RemoveRange(0, offset);
        if (text.Length > before) _textNonEmpty = true;
    }
}
