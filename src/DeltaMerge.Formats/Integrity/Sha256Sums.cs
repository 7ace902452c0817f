using System.Security.Cryptography;
using System.Text;
using DeltaMerge.Formats.IO;

namespace DeltaMerge.Formats.Integrity;

/// <summary>Writes and checks <c>SHA256SUMS</c> files in the format <c>sha256sum -c</c> reads.</summary>
public static class Sha256Sums
{
    /// <summary>The file name used in output directories.</summary>
    public const string FileName = "SHA256SUMS";

    /// <summary>Formats entries as <c>HEX  NAME</c> lines, sorted by name (ordinal) for determinism.</summary>
    public static string Format(IEnumerable<KeyValuePair<string, string>> digestsByName)
    {
        var sb = new StringBuilder();
        foreach (var (name, hex) in digestsByName.OrderBy(p => p.Key, StringComparer.Ordinal))
            sb.Append(hex).Append("  ").Append(name).Append('\n');
        return sb.ToString();
    }

    /// <summary>SHA-256 of a whole file, streamed.</summary>
    public static string HashFile(string path)
    {
        using FileStream stream = RegularFile.OpenStream(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
