namespace DeltaMerge.Runtime.Kernels;

/// <summary>
/// A tile dimension (output rows, or activation rows) as a type, not a value, so the JIT compiles each tile shape
/// separately and drops the unused rows' code.
/// </summary>
internal interface ITileSize
{
    static abstract int Count { get; }
}

/// <summary>The tile sizes.</summary>
internal static class Tiles
{
    internal readonly struct One : ITileSize { public static int Count => 1; }
    internal readonly struct Two : ITileSize { public static int Count => 2; }
    internal readonly struct Four : ITileSize { public static int Count => 4; }
}
