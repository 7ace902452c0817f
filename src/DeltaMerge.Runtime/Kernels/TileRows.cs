namespace DeltaMerge.Runtime.Kernels;

/// <summary>
/// How many activation rows one pass over a weight row serves (1 to <see cref="TileRows.Max"/>); a type, not a
/// value, so the JIT drops the unused rows' code from each copy of a kernel.
/// </summary>
internal interface ITileRows
{
    static abstract int Count { get; }
}

/// <summary>The tile sizes.</summary>
internal static class TileRows
{
    /// <summary>Activation rows per full tile: 4 rows × 2 accumulators leave registers for the weights even with 16 AVX2 registers.</summary>
    public const int Max = 4;

    internal readonly struct One : ITileRows { public static int Count => 1; }
    internal readonly struct Two : ITileRows { public static int Count => 2; }
    internal readonly struct Three : ITileRows { public static int Count => 3; }
    internal readonly struct Four : ITileRows { public static int Count => 4; }
}
