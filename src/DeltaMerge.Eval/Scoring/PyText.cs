using System.Globalization;
using System.Text;

namespace DeltaMerge.Eval.Scoring;

/// <summary>
/// Python 3 <c>str</c> semantics the authors' scripts rely on, over Unicode code points (a Python string is a sequence
/// of code points; a .NET string of UTF-16 units): <c>lower</c>, <c>strip</c>, <c>split()</c>, <c>len</c> and the
/// <c>re</c> module's <c>\w</c>.
/// </summary>
internal static class PyText
{
    /// <summary><c>str.isspace</c> for one code point: bidi classes WS, B, S or category Zs.</summary>
    public static bool IsSpace(int codePoint) => codePoint switch
    {
        >= 0x09 and <= 0x0D => true,
        >= 0x1C and <= 0x1F => true, // information separators (bidi B/S): Python splits on them, .NET does not
        0x20 or 0x85 => true,
        _ => codePoint > 0x7F && Rune.IsValid(codePoint) && Rune.GetUnicodeCategory(new Rune(codePoint)) is
            UnicodeCategory.SpaceSeparator or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator,
    };

    /// <summary><c>re</c>'s Unicode <c>\w</c>: letters, numbers (any N category) and the underscore.</summary>
    public static bool IsWordChar(Rune r) => r.Value == '_' || Rune.GetUnicodeCategory(r) is
        UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
        or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter
        or UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber;

    /// <summary>
    /// <c>str.lower()</c>: per code point lower-casing, with Python's one unconditional multi-character mapping
    /// (U+0130 to "i" + U+0307). Greek final sigma (a context rule in Python) is not applied.
    /// </summary>
    public static string Lower(string s)
    {
        var sb = new StringBuilder(s.Length);
        foreach (Rune r in s.EnumerateRunes())
        {
            if (r.Value == 0x130) sb.Append("i\u0307");
            else sb.Append(Rune.ToLowerInvariant(r).ToString());
        }
        return sb.ToString();
    }

    /// <summary><c>str.strip()</c>.</summary>
    public static string Strip(string s)
    {
        int start = 0, end = s.Length;
        while (start < end && IsSpaceAt(s, start, out int n)) start += n;
        while (end > start && IsSpaceBefore(s, end, out int n)) end -= n;
        return s[start..end];
    }

    /// <summary><c>str.split()</c> with no argument: runs of whitespace separate, no empty pieces.</summary>
    public static List<string> Split(string s)
    {
        var parts = new List<string>();
        int i = 0;
        while (i < s.Length)
        {
            while (i < s.Length && IsSpaceAt(s, i, out int n)) i += n;
            int start = i;
            while (i < s.Length && !IsSpaceAt(s, i, out _)) i += char.IsSurrogatePair(s, i) ? 2 : 1;
            if (i > start) parts.Add(s[start..i]);
        }
        return parts;
    }

    /// <summary><c>len(s)</c>: the number of code points.</summary>
    public static int Length(string s)
    {
        int n = 0;
        foreach (Rune _ in s.EnumerateRunes()) n++;
        return n;
    }

    /// <summary><c>s[count:]</c>: everything after the first <paramref name="count"/> code points.</summary>
    public static string SliceFrom(string s, int count)
    {
        int i = 0;
        for (int k = 0; k < count && i < s.Length; k++) i += char.IsSurrogatePair(s, i) ? 2 : 1;
        return s[i..];
    }

    private static bool IsSpaceAt(string s, int i, out int units)
    {
        units = 1;
        return !char.IsSurrogate(s[i]) && IsSpace(s[i]); // no whitespace outside the BMP
    }

    private static bool IsSpaceBefore(string s, int end, out int units)
    {
        units = 1;
        return !char.IsSurrogate(s[end - 1]) && IsSpace(s[end - 1]);
    }
}
