using System.Globalization;
using DeltaMerge.Formats.IO;

namespace DeltaMerge.Formats.Integrity;

/// <summary>
/// Expected digests parsed from files in the GNU coreutils format (<c>sha256sum</c>, <c>md5sum</c>, Meta's
/// <c>checklist.chk</c>): one <c>HEX  NAME</c> (or <c>HEX *NAME</c>) per line. The algorithm follows from the digest length.
/// </summary>
public sealed class ChecksumList
{
    private readonly Dictionary<string, ExpectedDigest> _byName;

    private ChecksumList(Dictionary<string, ExpectedDigest> byName) => _byName = byName;

    /// <summary>An empty list: nothing is expected.</summary>
    public static ChecksumList Empty { get; } = new([]);

    /// <summary>File names listed, as written after normalisation (no leading <c>./</c>).</summary>
    public IReadOnlyCollection<string> Names => _byName.Keys;

    /// <summary>Number of listed files.</summary>
    public int Count => _byName.Count;

    /// <summary>Parses one or more checksum files; later files may add names but not contradict earlier ones.</summary>
    /// <exception cref="CheckpointFormatException">A malformed line (<see cref="FormatErrorKind.InvalidChecksumFile"/>).</exception>
    public static ChecksumList Load(IEnumerable<string> paths)
    {
        var map = new Dictionary<string, ExpectedDigest>(StringComparer.Ordinal);
        foreach (string path in paths)
        {
            int lineNumber = 0;
            foreach (string rawLine in RegularFile.ReadLines(path))
            {
                lineNumber++;
                string line = rawLine.TrimEnd('\r');
                if (line.Length == 0 || line.StartsWith('#')) continue;
                ExpectedDigest digest = ParseLine(line, path, lineNumber);
                if (map.TryGetValue(digest.Name, out var existing) && existing.Algorithm == digest.Algorithm && existing.Hex != digest.Hex)
                    throw new CheckpointFormatException(FormatErrorKind.InvalidChecksumFile,
                        $"line {lineNumber} lists '{digest.Name}' with {digest.Hex}, but it was already listed with {existing.Hex}.", path);
                // Both an md5 and a sha256 for one file are kept: the sha256 wins the slot, md5 is kept separately.
                string key = digest.Algorithm == HashAlgorithmKind.Md5 && map.ContainsKey(digest.Name) ? digest.Name + "\0md5" : digest.Name;
                map[key] = digest;
            }
        }
        return new ChecksumList(map);
    }

    /// <summary>The digests expected for <paramref name="relativeName"/> (zero, one or two algorithms).</summary>
    public IEnumerable<ExpectedDigest> For(string relativeName)
    {
        string name = Normalise(relativeName);
        if (_byName.TryGetValue(name, out var d)) yield return d;
        if (_byName.TryGetValue(name + "\0md5", out var md5)) yield return md5;
    }

    /// <summary>True when <paramref name="relativeName"/> is listed.</summary>
    public bool Contains(string relativeName) => _byName.ContainsKey(Normalise(relativeName));

    /// <summary>True when any listed digest uses MD5 (so readers must compute it).</summary>
    public bool NeedsMd5(string relativeName) => For(relativeName).Any(d => d.Algorithm == HashAlgorithmKind.Md5);

    private static ExpectedDigest ParseLine(string line, string path, int lineNumber)
    {
        int space = line.IndexOf(' ', StringComparison.Ordinal);
        if (space <= 0 || space + 2 > line.Length || (line[space + 1] != ' ' && line[space + 1] != '*'))
            throw Invalid(path, lineNumber, "expected 'HEXDIGEST  FILENAME' (two spaces, or space and '*')", line);
        string hex = line[..space].ToLowerInvariant();
        string name = Normalise(line[(space + 2)..]);
        HashAlgorithmKind algorithm = hex.Length switch
        {
            64 => HashAlgorithmKind.Sha256,
            32 => HashAlgorithmKind.Md5,
            _ => throw Invalid(path, lineNumber, $"a digest of 64 (SHA-256) or 32 (MD5) hex digits, found {hex.Length} characters", line),
        };
        if (!hex.All(char.IsAsciiHexDigit))
            throw Invalid(path, lineNumber, "a hexadecimal digest", line);
        if (name.Length == 0)
            throw Invalid(path, lineNumber, "a file name after the digest", line);
        return new ExpectedDigest(name, algorithm, hex);
    }

    private static CheckpointFormatException Invalid(string path, int lineNumber, string expected, string found) =>
        new(FormatErrorKind.InvalidChecksumFile,
            $"line {lineNumber.ToString(CultureInfo.InvariantCulture)}: expected {expected}; found '{Truncate(found)}'.", path);

    private static string Truncate(string s) => s.Length <= 120 ? s : s[..120] + "...";

    private static string Normalise(string name)
    {
        name = name.Replace('\\', '/');
        while (name.StartsWith("./", StringComparison.Ordinal)) name = name[2..];
        return name;
    }
}
