using System.Text;

namespace DeltaMerge.Eval.Tasks;

/// <summary>
/// The QA context as the authors feed it: SQuAD's <c>doc_tokens</c> (split on transformers' <c>_is_whitespace</c>:
/// space, tab, CR, LF and U+202F only) joined by single spaces.
/// </summary>
public static class QaContext
{
    /// <summary>Rebuilds <paramref name="context"/> from its whitespace-separated tokens.</summary>
    public static string Rebuild(string context)
    {
        var sb = new StringBuilder(context.Length);
        bool previousWhitespace = true;
        foreach (char c in context)
        {
            if (IsSquadWhitespace(c))
            {
                previousWhitespace = true;
                continue;
            }
            if (previousWhitespace && sb.Length > 0) sb.Append(' ');
            sb.Append(c);
            previousWhitespace = false;
        }
        return sb.ToString();
    }

    // transformers.data.processors.squad._is_whitespace; a non-breaking space (U+00A0) stays part of a token.
    private static bool IsSquadWhitespace(char c) => c is ' ' or '\t' or '\r' or '\n' or '\u202F';
}
