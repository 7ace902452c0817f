using System.Globalization;
using System.Text.RegularExpressions;

namespace DeltaMerge.Eval.Reporting;

/// <summary>
/// Skia's SVG canvas names clip paths and other definitions from a counter shared by the whole process
/// (<c>cl_5f</c>), so the same chart drawn after another one gets other ids. Renumbering each file's ids in order of
/// first appearance makes an SVG's bytes depend only on its figure: an eval-merge writes what the unsharded run wrote.
/// </summary>
internal static partial class SvgIds
{
    [GeneratedRegex(@"id=""(?<id>[A-Za-z]+_[0-9a-f]+)""", RegexOptions.CultureInvariant)]
    private static partial Regex Definition();

    [GeneratedRegex(@"\b(?<prefix>[A-Za-z]+)_(?<number>[0-9a-f]+)\b", RegexOptions.CultureInvariant)]
    private static partial Regex Token();

    /// <summary><paramref name="svg"/> with every defined id renumbered from 0, per prefix, in order of first definition.</summary>
    public static string Renumber(string svg)
    {
        var renamed = new Dictionary<string, string>(StringComparer.Ordinal);
        var next = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (Match m in Definition().Matches(svg))
        {
            string id = m.Groups["id"].Value;
            if (renamed.ContainsKey(id)) continue;
            string prefix = id[..id.IndexOf('_')];
            int n = next.GetValueOrDefault(prefix);
            next[prefix] = n + 1;
            renamed[id] = $"{prefix}_{n.ToString("x", CultureInfo.InvariantCulture)}";
        }
        return renamed.Count == 0 ? svg : Token().Replace(svg, m => renamed.TryGetValue(m.Value, out string? to) ? to : m.Value);
    }
}
