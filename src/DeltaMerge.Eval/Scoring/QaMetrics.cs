using System.Globalization;
using System.Text;
using DeltaMerge.Eval.Tasks;

namespace DeltaMerge.Eval.Scoring;

/// <summary>F1 and exact match of one prediction, maximised over the gold answers (both 0..1).</summary>
/// <param name="F1">Token-overlap F1.</param>
/// <param name="ExactMatch">1 when the normalised strings are equal, else 0.</param>
public sealed record QaScore(double F1, double ExactMatch);

/// <summary>
/// The official SQuAD v1.1 script (lower-case, drop <c>string.punctuation</c>, articles a/an/the and extra whitespace;
/// token F1; maximum over gold answers) and MLQA's script for English (the same, except that punctuation is
/// <c>string.punctuation</c> plus every Unicode P* character).
/// </summary>
public static class QaMetrics
{
    private const string AsciiPunctuation = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"; // Python's string.punctuation
    private static readonly string[] Articles = ["a", "an", "the"];

    /// <summary>The authors' answer: empty when the output contains "None", else the stripped output.</summary>
    public static string AnswerFromOutput(string output) => output.Contains("None", StringComparison.Ordinal) ? "" : PyText.Strip(output);

    /// <summary>SQuAD v1.1 <c>normalize_answer</c>.</summary>
    public static string NormalizeSquad(string s) => Normalize(s, unicodePunctuation: false);

    /// <summary>MLQA <c>normalize_answer(s, "en")</c>.</summary>
    public static string NormalizeMlqaEnglish(string s) => Normalize(s, unicodePunctuation: true);

    /// <summary>The normaliser of <paramref name="scoring"/>.</summary>
    public static string Normalize(string s, QaScoring scoring) => Normalize(s, scoring == QaScoring.MlqaEnglish);

    /// <summary><c>f1_score</c> of one prediction against one gold answer.</summary>
    public static double F1(string prediction, string gold, QaScoring scoring)
    {
        List<string> p = PyText.Split(Normalize(prediction, scoring));
        List<string> g = PyText.Split(Normalize(gold, scoring));
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (string t in g) counts[t] = counts.GetValueOrDefault(t) + 1;
        int same = 0;
        foreach (string t in p)
        {
            if (counts.TryGetValue(t, out int n) && n > 0)
            {
                counts[t] = n - 1;
                same++;
            }
        }
        if (same == 0) return 0;
        double precision = 1.0 * same / p.Count;
        double recall = 1.0 * same / g.Count;
        return 2 * precision * recall / (precision + recall);
    }

    /// <summary><c>exact_match_score</c>: 1 when the normalised strings are equal.</summary>
    public static double ExactMatch(string prediction, string gold, QaScoring scoring) =>
        string.Equals(Normalize(prediction, scoring), Normalize(gold, scoring), StringComparison.Ordinal) ? 1 : 0;

    /// <summary><c>metric_max_over_ground_truths</c> for both metrics.</summary>
    /// <exception cref="ArgumentException">No gold answer (Python's <c>max</c> of an empty list fails too).</exception>
    public static QaScore Score(string prediction, IReadOnlyList<string> golds, QaScoring scoring)
    {
        if (golds.Count == 0) throw new ArgumentException("A QA example needs at least one gold answer.", nameof(golds));
        return new QaScore(golds.Max(g => F1(prediction, g, scoring)), golds.Max(g => ExactMatch(prediction, g, scoring)));
    }

    private static string Normalize(string s, bool unicodePunctuation)
    {
        string lower = PyText.Lower(s);
        var noPunct = new StringBuilder(lower.Length);
        foreach (Rune r in lower.EnumerateRunes())
            if (!IsPunctuation(r, unicodePunctuation)) noPunct.Append(r.ToString());
        string noArticles = RemoveArticles(noPunct.ToString());
        return string.Join(' ', PyText.Split(noArticles));
    }

    private static bool IsPunctuation(Rune r, bool unicode)
    {
        if (r.IsAscii && AsciiPunctuation.Contains((char)r.Value, StringComparison.Ordinal)) return true;
        return unicode && Rune.GetUnicodeCategory(r) is UnicodeCategory.ConnectorPunctuation or UnicodeCategory.DashPunctuation
            or UnicodeCategory.OpenPunctuation or UnicodeCategory.ClosePunctuation or UnicodeCategory.InitialQuotePunctuation
            or UnicodeCategory.FinalQuotePunctuation or UnicodeCategory.OtherPunctuation;
    }

    /// <summary><c>re.sub(r'\b(a|an|the)\b', ' ', text)</c> with Python's Unicode word characters.</summary>
    private static string RemoveArticles(string text)
    {
        Rune[] runes = text.EnumerateRunes().ToArray();
        var sb = new StringBuilder(text.Length);
        int i = 0;
        while (i < runes.Length)
        {
            int matched = i == 0 || !PyText.IsWordChar(runes[i - 1]) ? MatchArticle(runes, i) : 0;
            if (matched > 0)
            {
                sb.Append(' ');
                i += matched;
            }
            else
            {
                sb.Append(runes[i].ToString());
                i++;
            }
        }
        return sb.ToString();
    }

    private static int MatchArticle(Rune[] runes, int at)
    {
        foreach (string article in Articles)
        {
            int end = at + article.Length;
            if (end > runes.Length) continue;
            bool same = true;
            for (int k = 0; k < article.Length && same; k++) same = runes[at + k].Value == article[k];
            if (same && (end == runes.Length || !PyText.IsWordChar(runes[end]))) return article.Length;
        }
        return 0;
    }
}
