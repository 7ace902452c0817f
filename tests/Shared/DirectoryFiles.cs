namespace DeltaMerge.Tests.Shared;

/// <summary>Compares two output directories file by file (names relative to each; bytes, reported as text for a readable diff).</summary>
internal static class DirectoryFiles
{
    /// <summary>Every file under <paramref name="dir"/>, by relative path, with its text.</summary>
    public static SortedDictionary<string, string> Read(string dir) => new(
        Directory.GetFiles(dir, "*", SearchOption.AllDirectories).ToDictionary(f => Path.GetRelativePath(dir, f), File.ReadAllText), StringComparer.Ordinal);

    /// <summary>Asserts that <paramref name="actual"/> holds the same files as <paramref name="expected"/>, each with the same bytes.</summary>
    public static void AssertSame(string expected, string actual)
    {
        var want = Read(expected);
        var got = Read(actual);
        Assert.That(got.Keys, Is.EqualTo(want.Keys), $"the files of {actual}");
        foreach (var (name, text) in want)
        {
            Assert.That(got[name], Is.EqualTo(text), name);
            Assert.That(File.ReadAllBytes(Path.Combine(actual, name)), Is.EqualTo(File.ReadAllBytes(Path.Combine(expected, name))), name);
        }
    }
}
