namespace DeltaMerge.Eval.Sharding;

/// <summary>Why eval-merge refused its shards; one member per check.</summary>
public enum ShardMergeErrorKind
{
    /// <summary>A given path is not a directory, or a directory holds no shard (no run.json or suite.json in it or its subdirectories).</summary>
    NoShards,
    /// <summary>A directory holds a whole (unsharded) run, not a shard.</summary>
    NotSharded,
    /// <summary>A shard's run.json, suite.json, metrics.json or predictions.jsonl is not what eval and eval-suite write.</summary>
    MalformedShard,
    /// <summary>The shards belong to different runs: another model, task, data, protocol option or shard count, or eval shards mixed with eval-suite shards.</summary>
    DifferentRun,
    /// <summary>Two directories hold the same shard (or the same example), which would be counted twice.</summary>
    DuplicatedExamples,
    /// <summary>A shard K of 0..N−1 is not among the directories given.</summary>
    MissingShard,
    /// <summary>A shard has not finished (still running, or interrupted: resume it with --resume).</summary>
    UnfinishedShard,
    /// <summary>A classification task's data files (recorded in run.json), needed for the report's accuracy-by-gold-label chart, cannot be read or no longer hold what the shards ran on.</summary>
    DataUnavailable,
}
