using DeltaMerge.Eval.Sharding;

namespace DeltaMerge.Eval.Running;

/// <summary>Settings of one task's evaluation; the defaults are the authors' protocol.</summary>
public sealed record EvalOptions
{
    /// <summary>The authors' generation length.</summary>
    public const int AuthorsMaxNewTokens = 64;

    /// <summary>The authors' QA prompt limit, leading special token included.</summary>
    public const int AuthorsMaxQaPromptTokens = 1024;

    /// <summary>Generate (default) or rank.</summary>
    public EvalMode Mode { get; init; } = EvalMode.Generate;

    /// <summary>Authors' special tokens (default) or the model's.</summary>
    public SpecialTokens SpecialTokens { get; init; } = SpecialTokens.Authors;

    /// <summary>Evaluate only the first N examples (null: all).</summary>
    public int? Limit { get; init; }

    /// <summary>Continue from an existing predictions.jsonl in the output directory instead of starting over.</summary>
    public bool Resume { get; init; }

    /// <summary>Default <see cref="BatchSize"/> (measured, docs/benchmarks.md).</summary>
    public const int DefaultBatchSize = 8;

    /// <summary>
    /// Generate mode: examples decoded together (each its own KV cache and position; a finished one's slot takes the
    /// next example). Outputs do not depend on it; memory grows with it (one KV cache per slot).
    /// </summary>
    public int BatchSize { get; init; } = DefaultBatchSize;

    /// <summary>Most generated tokens (64).</summary>
    public int MaxNewTokens { get; init; } = AuthorsMaxNewTokens;

    /// <summary>QA prompts are cut to this many ids, keeping the start (1024).</summary>
    public int MaxQaPromptTokens { get; init; } = AuthorsMaxQaPromptTokens;

    /// <summary>Run only this shard of each task's examples (null: all); see <see cref="ShardSpec"/>.</summary>
    public ShardSpec? Shard { get; init; }

    /// <summary>The model evaluated, recorded in run.json (what tells the shards of one run from another's).</summary>
    public ModelIdentity? Model { get; init; }
}
