using System.CommandLine;
using DeltaMerge.Eval.Running;
using DeltaMerge.Eval.Sharding;

namespace DeltaMerge.Cli.Commands;

/// <summary>Options shared by eval and eval-suite.</summary>
internal sealed class EvalOptionsCli
{
    public Option<string> Out { get; } = CommonOptions.RequiredPath("--out", "Output directory (created if missing): predictions.jsonl, metrics.json, report.md.");
    public Option<EvalMode> Mode { get; } = new("--mode")
    {
        HelpName = "generate|rank",
        Description = "generate (default): the authors' protocol, greedy decoding then label words / quick-ratio. rank: T0-style, the option with the highest log-likelihood (classification only).",
        DefaultValueFactory = _ => EvalMode.Generate,
        CustomParser = r => ParseEnum(r, EvalMode.Generate, "--mode", "generate or rank"),
    };
    public Option<SpecialTokens> SpecialTokens { get; } = new("--special-tokens")
    {
        HelpName = "authors|model",
        Description = "authors (default): prompts start with id 2 (</s>) and decoding skips </s> and [PAD], as the authors' scripts. model: the tokenizer's own BOS.",
        DefaultValueFactory = _ => Eval.Running.SpecialTokens.Authors,
        CustomParser = r => ParseEnum(r, Eval.Running.SpecialTokens.Authors, "--special-tokens", "authors or model"),
    };
    public Option<int?> Limit { get; } = new("--limit") { Description = "Evaluate only the first N examples of each task." };
    public Option<bool> Resume { get; } = new("--resume") { Description = "Continue from the predictions.jsonl already in the output (checked against the task, mode and data)." };
    public Option<int> BatchSize { get; } = new("--batch-size")
    {
        Description = "Generate mode: examples decoded together, each with its own KV cache (default 8). Outputs are identical for every batch size; memory grows with it.",
        DefaultValueFactory = _ => EvalOptions.DefaultBatchSize,
    };
    public Option<bool> Force { get; } = new("--force") { Description = "Start over when the output already holds predictions.jsonl (they are deleted)." };
    public Option<string?> Shard { get; } = new("--shard")
    {
        HelpName = "K/N|none",
        Description = "Run only shard K of N (K from 0) of each task's examples, into OUT/shard-K-of-N/; eval-merge combines the shards. " +
            "Default: from JOB_COMPLETION_INDEX (Kubernetes Indexed Job, with --shard-count or DELTAMERGE_SHARD_COUNT) or SLURM_ARRAY_TASK_ID (Slurm job array); none: ignore them.",
    };
    public Option<int?> ShardCount { get; } = new("--shard-count")
    {
        HelpName = "N",
        Description = "The number of shards when the index comes from JOB_COMPLETION_INDEX (Kubernetes does not pass the Job's completions); default: DELTAMERGE_SHARD_COUNT.",
    };

    public void AddTo(Command command)
    {
        foreach (var o in new Option[] { Out, Mode, SpecialTokens, Limit, Resume, BatchSize, Force, Shard, ShardCount }) command.Options.Add(o);
    }

    /// <summary>The options of the run, with the shard (from --shard or the scheduler's variables).</summary>
    public EvalOptions Options(ParseResult parse)
    {
        int? limit = parse.GetValue(Limit);
        if (limit is < 0) throw new UsageException($"--limit must not be negative, got {limit}.");
        int batch = parse.GetValue(BatchSize);
        if (batch < 1) throw new UsageException($"--batch-size must be at least 1, got {batch}.");
        if (parse.GetValue(Resume) && parse.GetValue(Force)) throw new UsageException("--resume and --force do not go together: --force starts over.");
        return new EvalOptions
        {
            Mode = parse.GetValue(Mode),
            SpecialTokens = parse.GetValue(SpecialTokens),
            Limit = limit,
            Resume = parse.GetValue(Resume),
            BatchSize = batch,
            Shard = ShardEnvironment.Resolve(parse.GetValue(Shard), parse.GetValue(ShardCount), Environment.GetEnvironmentVariable),
        };
    }

    /// <summary>Records which model is evaluated (run.json), and says which shard runs.</summary>
    public static EvalOptions WithModel(EvalOptions options, string modelPath, CommandRunner.Context ctx)
    {
        var identity = ModelIdentity.Of(modelPath);
        if (options.Shard is { } shard)
            ctx.Log.Information("Shard {Shard}: model checksum listing SHA-256 {Sha256} ({Source})", shard, identity.Sha256, identity.Source);
        return options with { Model = identity };
    }

    /// <summary>Refuses to overwrite earlier predictions unless --resume or --force says what to do with them.</summary>
    public static void CheckOutput(string taskDirectory, EvalOptions options, bool force)
    {
        string predictions = Path.Combine(taskDirectory, "predictions.jsonl");
        if (File.Exists(predictions) && !options.Resume && !force)
            throw new UsageException($"{predictions} exists: pass --resume to continue that run or --force to start over.");
    }

    private static T ParseEnum<T>(System.CommandLine.Parsing.ArgumentResult r, T fallback, string name, string expected) where T : struct, Enum
    {
        string text = r.Tokens.Single().Value;
        if (Enum.TryParse<T>(text, ignoreCase: true, out var v) && Enum.IsDefined(v)) return v;
        r.AddError($"{name} '{text}' is not supported: expected {expected}.");
        return fallback;
    }
}
