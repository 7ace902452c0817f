namespace DeltaMerge.Eval.Sharding;

/// <summary>eval-merge's shards cannot be combined into one run; says which shard (directory) and why.</summary>
public sealed class ShardMergeException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="kind">Which check failed.</param>
    /// <param name="message">What, and what was expected.</param>
    /// <param name="path">The shard directory or file concerned, if one.</param>
    /// <param name="inner">The underlying error, if any.</param>
    public ShardMergeException(ShardMergeErrorKind kind, string message, string? path = null, Exception? inner = null)
        : base(path == null ? message : $"{path}: {message}", inner)
    {
        Kind = kind;
        Path = path;
    }

    /// <summary>Which check failed.</summary>
    public ShardMergeErrorKind Kind { get; }

    /// <summary>The shard directory or file, if one.</summary>
    public string? Path { get; }
}
