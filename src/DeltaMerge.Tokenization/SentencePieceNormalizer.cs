using System.Text;

namespace DeltaMerge.Tokenization;

/// <summary>
/// SentencePiece's normalizer for models without a character map (<c>identity</c>, LLaMA's): the dummy-prefix space,
/// optional removal of extra spaces, and spaces written as U+2581. Only U+0020 counts as a space, as in SentencePiece.
/// </summary>
internal sealed class SentencePieceNormalizer
{
    private readonly bool _addDummyPrefix;
    private readonly bool _removeExtraWhitespaces;
    private readonly char _space;

    public SentencePieceNormalizer(bool addDummyPrefix, bool removeExtraWhitespaces, bool escapeWhitespaces)
    {
        _addDummyPrefix = addDummyPrefix;
        _removeExtraWhitespaces = removeExtraWhitespaces;
        _space = escapeWhitespaces ? TokenTable.SpaceSymbol : ' ';
    }

    /// <summary>A copy of these settings with the dummy prefix turned off (text after an added token, in one mode).</summary>
    public SentencePieceNormalizer WithoutDummyPrefix() => new(false, _removeExtraWhitespaces, _space == TokenTable.SpaceSymbol);

    /// <summary>The normalized text; empty when SentencePiece would encode nothing.</summary>
    public string Normalize(ReadOnlySpan<char> text)
    {
        if (_removeExtraWhitespaces) text = text.TrimStart(' ');
        if (text.IsEmpty) return "";
        var output = new StringBuilder(text.Length + 1);
        if (_addDummyPrefix) output.Append(_space);
        bool previousSpace = _removeExtraWhitespaces;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c == ' ')
            {
                if (!previousSpace) output.Append(_space);
                previousSpace = _removeExtraWhitespaces;
                continue;
            }
            previousSpace = false;
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                output.Append(c).Append(text[++i]);
            }
            else if (char.IsSurrogate(c))
            {
                output.Append('\uFFFD'); // a lone surrogate reaches SentencePiece as UTF-8's replacement character
            }
            else
            {
                output.Append(c);
            }
        }
        if (_removeExtraWhitespaces)
        {
            // SentencePiece trims the normalized text, so a typed U+2581 at the end goes too.
            int end = output.Length;
            while (end > 0 && output[end - 1] == _space) end--;
            output.Length = end;
        }
        return output.ToString();
    }
}
