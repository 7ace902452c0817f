using System.Globalization;
using DeltaMerge.Formats;
using DeltaMerge.Formats.SentencePiece;

namespace DeltaMerge.Tokenization;

/// <summary>Per-id facts decoding needs: kind, text, byte value; plus the model's leading-space rule.</summary>
internal sealed class TokenTable
{
    /// <summary>SentencePiece's default <c>unk_surface</c> (kDefaultUnknownSymbol): U+2047 between spaces.</summary>
    public const string UnknownSurface = " \u2047 ";

    /// <summary>SentencePiece's whitespace symbol.</summary>
    public const char SpaceSymbol = '\u2581';

    private readonly string[] _texts;
    private readonly TokenKind[] _kinds;

    /// <param name="texts">Token texts, index = id.</param>
    /// <param name="types">Token types (SentencePiece values).</param>
    /// <param name="pieceCount">Ids below this are SentencePiece pieces; the rest are added tokens or padding.</param>
    /// <param name="removeLeadingSpace">add_dummy_prefix or remove_extra_whitespaces: the first piece's U+2581 is dropped.</param>
    /// <param name="removeExtraWhitespaces">normalizer_spec.remove_extra_whitespaces.</param>
    /// <param name="source">The file the table comes from, for errors.</param>
    /// <exception cref="CheckpointFormatException"><see cref="FormatErrorKind.TokenizerFileInvalid"/> for a byte piece that is not <c>&lt;0xNN&gt;</c>.</exception>
    public TokenTable(IReadOnlyList<string> texts, IReadOnlyList<SentencePieceTokenType> types, int pieceCount,
        bool removeLeadingSpace, bool removeExtraWhitespaces, string? source = null)
    {
        _texts = texts.ToArray();
        _kinds = new TokenKind[_texts.Length];
        Bytes = new byte[_texts.Length];
        for (int id = 0; id < _texts.Length; id++)
        {
            _kinds[id] = id >= pieceCount ? TokenKind.Added : types[id] switch
            {
                SentencePieceTokenType.Control => TokenKind.Control,
                SentencePieceTokenType.Unknown => TokenKind.Unknown,
                SentencePieceTokenType.Byte => TokenKind.Byte,
                _ => TokenKind.Piece,
            };
            if (_kinds[id] == TokenKind.Byte)
                Bytes[id] = ParseByte(_texts[id])
                    ?? throw new CheckpointFormatException(FormatErrorKind.TokenizerFileInvalid, $"byte piece {id} is '{_texts[id]}', expected <0xNN>", source);
        }
        PieceCount = pieceCount;
        RemoveLeadingSpace = removeLeadingSpace;
        RemoveExtraWhitespaces = removeExtraWhitespaces;
    }

    public int Count => _texts.Length;
    public int PieceCount { get; }
    public bool RemoveLeadingSpace { get; }
    public bool RemoveExtraWhitespaces { get; }
    public byte[] Bytes { get; }

    public TokenKind Kind(int id) => _kinds[id];
    public string Text(int id) => _texts[id];

    /// <summary>The piece's byte for <c>&lt;0xNN&gt;</c> (SentencePiece's PieceToByte), else null.</summary>
    public static byte? ParseByte(string piece) =>
        piece.Length == 6 && piece.StartsWith("<0x", StringComparison.Ordinal) && piece[5] == '>'
        && byte.TryParse(piece.AsSpan(3, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out byte b) ? b : null;
}
