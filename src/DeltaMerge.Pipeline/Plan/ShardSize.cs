using System.Globalization;
using System.Text.RegularExpressions;

namespace DeltaMerge.Pipeline.Plan;

/// <summary>Parses sizes the way transformers' <c>convert_file_size_to_int</c> does: <c>5GB</c> = 5*10^9, <c>5GiB</c> = 5*2^30.</summary>
public static partial class ShardSize
{
    /// <summary>Parses <paramref name="text"/> (a plain byte count, or a number with KB/MB/GB/TB or KiB/MiB/GiB/TiB).</summary>
    /// <exception cref="FormatException">Not a size.</exception>
    public static long Parse(string text)
    {
        var m = SizePattern().Match(text.Trim());
        if (!m.Success) throw new FormatException($"'{text}' is not a size: expected e.g. 5GB, 500MB, 2GiB or a byte count.");
        decimal number = decimal.Parse(m.Groups[1].Value, NumberStyles.Number, CultureInfo.InvariantCulture);
        decimal factor = m.Groups[2].Value.ToUpperInvariant() switch
        {
            "" or "B" => 1m,
            "KB" => 1e3m, "MB" => 1e6m, "GB" => 1e9m, "TB" => 1e12m,
            "KIB" => 1024m, "MIB" => 1024m * 1024, "GIB" => 1024m * 1024 * 1024, "TIB" => 1024m * 1024 * 1024 * 1024,
            _ => throw new FormatException($"'{text}': unknown unit '{m.Groups[2].Value}'."),
        };
        decimal bytes = decimal.Floor(number * factor);
        if (bytes < 1 || bytes > long.MaxValue) throw new FormatException($"'{text}' is out of range: a shard must hold at least 1 byte.");
        return (long)bytes;
    }

    [GeneratedRegex(@"^([0-9]+(?:\.[0-9]+)?)\s*([A-Za-z]*)$", RegexOptions.CultureInvariant)]
    private static partial Regex SizePattern();
}
