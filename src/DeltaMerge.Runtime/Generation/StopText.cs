using System.Text;

namespace DeltaMerge.Runtime.Generation;

/// <summary>Stop strings in generated text.</summary>
internal static class StopText
{
    /// <summary>Where the first stop string starts in <paramref name="text"/>, or null.</summary>
    public static int? Find(StringBuilder text, IReadOnlyList<string> stops)
    {
        if (stops.Count == 0) return null;
        string s = text.ToString();
        int? first = null;
        foreach (string stop in stops)
        {
            if (stop.Length == 0) continue;
            int at = s.IndexOf(stop, StringComparison.Ordinal);
            if (at >= 0 && (first == null || at < first)) first = at;
        }
        return first;
    }

    /// <summary>Length of the longest end of <paramref name="text"/> that is a proper prefix of a stop string.</summary>
    public static int LongestPrefixAtEnd(StringBuilder text, IReadOnlyList<string> stops)
    {
        int best = 0;
        foreach (string stop in stops)
            for (int n = Math.Min(stop.Length - 1, text.Length); n > best; n--)
                if (text.ToString(text.Length - n, n) == stop[..n])
                {
                    best = n;
                    break;
                }
        return best;
    }
}
