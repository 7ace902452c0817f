using System.Text;

namespace DeltaMerge.Eval.Scoring;

/// <summary>
/// <c>difflib.SequenceMatcher(None, a, b).quick_ratio()</c> on strings: the multiset intersection M of the two strings'
/// code points, 2.0 * M / (len(a) + len(b)), and 1.0 when both are empty. The same IEEE operations as Python, so the
/// same double.
/// </summary>
public static class QuickRatio
{
    /// <summary>The ratio.</summary>
    public static double Compute(string a, string b)
    {
        var counts = new Dictionary<int, int>();
        int lengthB = 0;
        foreach (Rune r in b.EnumerateRunes())
        {
            counts[r.Value] = counts.GetValueOrDefault(r.Value) + 1;
            lengthB++;
        }
        int lengthA = 0, matches = 0;
        foreach (Rune r in a.EnumerateRunes())
        {
            lengthA++;
            if (counts.TryGetValue(r.Value, out int available) && available > 0)
            {
                counts[r.Value] = available - 1;
                matches++;
            }
        }
        int total = lengthA + lengthB;
        return total == 0 ? 1.0 : 2.0 * matches / total;
    }

    /// <summary>
    /// The authors' <c>string_compare</c>: lower-cases all three, returns 0 when the first option's ratio is at least the
    /// second's, else 1.
    /// </summary>
    public static int PickOption(string output, string option1, string option2)
    {
        string o = PyText.Lower(output);
        return Compute(o, PyText.Lower(option1)) >= Compute(o, PyText.Lower(option2)) ? 0 : 1;
    }
}
