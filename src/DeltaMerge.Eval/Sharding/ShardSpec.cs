using System.Globalization;

namespace DeltaMerge.Eval.Sharding;

/// <summary>
/// Shard <see cref="Index"/> of <see cref="Count"/> (counted from 0). Each task's examples are split into
/// <see cref="Count"/> contiguous ranges in example order: shard K holds [floor(K·M/N), floor((K+1)·M/N)) of the M
/// examples run (after --limit). Contiguous ranges keep every shard's predictions.jsonl in example order, so a shard
/// resumes from the first example it has not written, and merging is concatenation in shard order; the ranges differ
/// in size by at most one example. Outputs do not depend on which examples are decoded together (the batched step is
/// row-invariant), so each example's prediction is the same in any shard as in an unsharded run.
/// </summary>
/// <param name="Index">K, from 0 to <see cref="Count"/> − 1.</param>
/// <param name="Count">N, at least 1.</param>
public sealed record ShardSpec(int Index, int Count)
{
    /// <summary>The shard's own directory under --out: <c>shard-K-of-N</c>.</summary>
    public string DirectoryName => string.Create(CultureInfo.InvariantCulture, $"shard-{Index}-of-{Count}");

    /// <summary>Where a run with --out <paramref name="outDirectory"/> writes: OUT/shard-K-of-N/ for a shard, else OUT.</summary>
    public static string OutputDirectory(string outDirectory, ShardSpec? shard) =>
        shard == null ? outDirectory : Path.Combine(outDirectory, shard.DirectoryName);

    /// <summary>Checks the values; <paramref name="source"/> names where they came from, for the message.</summary>
    /// <exception cref="ShardSelectionException">N below 1, or K outside 0..N−1.</exception>
    public static ShardSpec Create(int index, int count, string source)
    {
        if (count < 1) throw new ShardSelectionException($"{source}: the number of shards must be at least 1, got {count}.");
        if (index < 0 || index >= count)
            throw new ShardSelectionException($"{source}: shard index {index} is outside 0..{count - 1} (shards are counted from 0).");
        return new ShardSpec(index, count);
    }

    /// <summary>Parses <c>K/N</c>, as --shard takes it.</summary>
    /// <exception cref="ShardSelectionException">Not two whole numbers K/N, or out of range.</exception>
    public static ShardSpec Parse(string text, string source = "--shard")
    {
        string[] parts = text.Split('/');
        if (parts.Length != 2 || !TryNumber(parts[0], out int k) || !TryNumber(parts[1], out int n))
            throw new ShardSelectionException($"{source} '{text}' is not K/N (shard K of N, K counted from 0, e.g. 0/4).");
        return Create(k, n, $"{source} {text}");
    }

    /// <summary>The examples this shard holds out of <paramref name="total"/>: [Start, End).</summary>
    public (int Start, int End) Range(int total)
    {
        if (total < 0) throw new ArgumentOutOfRangeException(nameof(total), "The example count must not be negative.");
        return ((int)((long)Index * total / Count), (int)((long)(Index + 1) * total / Count));
    }

    /// <summary>K/N.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Index}/{Count}");

    /// <summary>A plain non-negative decimal (no sign, no spaces), as schedulers write indices.</summary>
    internal static bool TryNumber(string text, out int value) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
}
