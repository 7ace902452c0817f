namespace DeltaMerge.Tokenization;

/// <summary>
/// Splits text on whole tokens as transformers' slow tokenizer does (<c>Trie.split</c>, then the strip rules of
/// <c>PreTrainedTokenizer.tokenize</c> in 4.28).
/// </summary>
internal sealed class AddedTokenSplitter
{
    private readonly AddedToken[] _tokens; // longest first, so the first match at a position is the longest

    public AddedTokenSplitter(IEnumerable<AddedToken> tokens)
    {
        _tokens = tokens.Where(t => t.Text.Length > 0).OrderByDescending(t => t.Text.Length).ThenBy(t => t.Id).ToArray();
    }

    public bool IsEmpty => _tokens.Length == 0;

    /// <summary>One piece of split text: a token, or a stretch of plain text.</summary>
    public readonly record struct Segment(string Text, AddedToken? Token);

    /// <summary>Leftmost-longest split; with <paramref name="strip"/> the whitespace next to tokens is removed as their flags say.</summary>
    public List<Segment> Split(string text, bool strip)
    {
        var segments = new List<Segment>();
        int start = 0, i = 0;
        while (i < text.Length)
        {
            AddedToken? match = Match(text, i);
            if (match == null) { i++; continue; }
            if (i > start) segments.Add(new Segment(text[start..i], null));
            segments.Add(new Segment(match.Text, match));
            i += match.Text.Length;
            start = i;
        }
        if (start < text.Length) segments.Add(new Segment(text[start..], null));
        if (!strip) return segments;

        // transformers strips the neighbours in place, left to right, so a stretch between two tokens can lose both ends.
        for (int k = 0; k < segments.Count; k++)
        {
            if (segments[k].Token is not { } token) continue;
            if (token.RStrip && k + 1 < segments.Count && segments[k + 1].Token == null)
                segments[k + 1] = new Segment(segments[k + 1].Text.TrimStart(PythonWhitespace), null);
            if (token.LStrip && k > 0 && segments[k - 1].Token == null)
                segments[k - 1] = new Segment(segments[k - 1].Text.TrimEnd(PythonWhitespace), null);
        }
        segments.RemoveAll(s => s.Token == null && s.Text.Length == 0);
        return segments;
    }

    private AddedToken? Match(string text, int at)
    {
        foreach (AddedToken token in _tokens)
            if (string.CompareOrdinal(text, at, token.Text, 0, token.Text.Length) == 0 && at + token.Text.Length <= text.Length)
                return token;
        return null;
    }

    /// <summary>The characters Python's <c>str.strip()</c> removes (<c>str.isspace</c>), all in the BMP.</summary>
    internal static readonly char[] PythonWhitespace = BuildPythonWhitespace();

    private static char[] BuildPythonWhitespace()
    {
        var chars = new List<char>();
        for (int c = 0; c <= 0xFFFF; c++)
        {
            // .NET's IsWhiteSpace misses U+001C..U+001F (bidi class B/S), which Python counts as whitespace.
            if (char.IsWhiteSpace((char)c) || c is >= 0x1C and <= 0x1F) chars.Add((char)c);
        }
        return chars.ToArray();
    }
}
