namespace DeltaMerge.Eval.Sharding;

/// <summary>--shard, --shard-count or a scheduler's index variables do not name a valid shard (a usage error).</summary>
public sealed class ShardSelectionException(string message) : Exception(message);
