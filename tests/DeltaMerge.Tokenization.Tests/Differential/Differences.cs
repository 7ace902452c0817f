using System.Text;
using System.Text.Json;

namespace DeltaMerge.Tokenization.Tests.Differential;

/// <summary>Collects the strings where we differ from SentencePiece, and reports counts per category.</summary>
internal sealed class Differences(string what)
{
    private const int Shown = 15;
    private readonly List<string> _examples = [];
    private readonly Dictionary<string, int> _byCategory = new(StringComparer.Ordinal);
    private int _checked;

    public int Count { get; private set; }

    /// <summary>Records one comparison of <paramref name="entry"/>.</summary>
    public void Check<T>(DifferentialCorpus.Entry entry, IEnumerable<T> expected, IEnumerable<T> actual)
    {
        _checked++;
        T[] e = expected.ToArray(), a = actual.ToArray();
        if (e.SequenceEqual(a)) return;
        Count++;
        _byCategory[entry.Category] = _byCategory.GetValueOrDefault(entry.Category) + 1;
        if (_examples.Count < Shown)
            _examples.Add($"{JsonSerializer.Serialize(entry.Text)} ({entry.Category}): expected [{string.Join(' ', e)}], got [{string.Join(' ', a)}]");
    }

    /// <summary>Encodes every entry without BOS and fails unless all give <paramref name="expected"/>'s ids.</summary>
    public static void CheckAll(string what, LlamaTokenizer tok, Func<DifferentialCorpus.Entry, int[]> expected)
    {
        var differences = new Differences(what);
        foreach (DifferentialCorpus.Entry e in DifferentialCorpus.Entries)
            differences.Check(e, expected(e), tok.Encode(e.Text, addBos: false));
        differences.AssertNone();
    }

    /// <summary>Writes the figures to the test output and fails with examples when anything differed.</summary>
    public void AssertNone()
    {
        TestContext.Out.WriteLine($"{what}: {_checked} comparisons, {Count} differences ({DifferentialCorpus.FilePath})");
        if (Count == 0) return;
        var message = new StringBuilder($"{what}: {Count} of {_checked} comparisons differ from SentencePiece; by category: ");
        message.AppendJoin(", ", _byCategory.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key} {p.Value}")).Append('\n');
        message.AppendJoin('\n', _examples);
        Assert.Fail(message.ToString());
    }
}
