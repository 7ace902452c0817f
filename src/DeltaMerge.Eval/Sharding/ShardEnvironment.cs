using System.Globalization;

namespace DeltaMerge.Eval.Sharding;

/// <summary>
/// Which shard this process runs: --shard K/N when given, else the index variables of the engine that started it.
/// Kubernetes Indexed Jobs set <c>JOB_COMPLETION_INDEX</c> but not the number of completions, so the count comes from
/// --shard-count or <see cref="CountVariable"/> (the manifest sets it). Slurm job arrays set
/// <c>SLURM_ARRAY_TASK_ID</c> and <c>SLURM_ARRAY_TASK_COUNT</c>; the shard is the id minus
/// <c>SLURM_ARRAY_TASK_MIN</c> (so <c>--array=1-4</c> works too), and the array must be one contiguous range.
/// Kubernetes' variable is looked at first. <c>--shard none</c> ignores the environment.
/// </summary>
public static class ShardEnvironment
{
    /// <summary>The number of shards of a Kubernetes Indexed Job (its completions), set by the manifest.</summary>
    public const string CountVariable = "DELTAMERGE_SHARD_COUNT";

    /// <summary>Kubernetes Indexed Job: this pod's completion index.</summary>
    public const string KubernetesIndex = "JOB_COMPLETION_INDEX";

    /// <summary>Slurm job array: this task's array id.</summary>
    public const string SlurmId = "SLURM_ARRAY_TASK_ID";

    /// <summary>Slurm job array: the number of tasks in the array.</summary>
    public const string SlurmCount = "SLURM_ARRAY_TASK_COUNT";

    /// <summary>Slurm job array: the smallest id.</summary>
    public const string SlurmMin = "SLURM_ARRAY_TASK_MIN";

    /// <summary>Slurm job array: the largest id.</summary>
    public const string SlurmMax = "SLURM_ARRAY_TASK_MAX";

    /// <summary>Slurm job array: the step between ids (<c>--array=0-9:2</c>).</summary>
    public const string SlurmStep = "SLURM_ARRAY_TASK_STEP";

    /// <summary>--shard's value that means "not sharded, whatever the environment says".</summary>
    public const string None = "none";

    /// <summary>The shard to run, or null for the whole run.</summary>
    /// <param name="option">--shard's value (K/N or none), or null.</param>
    /// <param name="countOption">--shard-count's value, or null.</param>
    /// <param name="environment">Reads an environment variable (null when unset).</param>
    /// <exception cref="ShardSelectionException">A value that is not a number, out of range, or counts that disagree.</exception>
    public static ShardSpec? Resolve(string? option, int? countOption, Func<string, string?> environment)
    {
        if (option != null)
        {
            if (option == None)
            {
                if (countOption != null) throw new ShardSelectionException("--shard none and --shard-count do not go together.");
                return null;
            }
            var spec = ShardSpec.Parse(option);
            if (countOption is int c && c != spec.Count)
                throw new ShardSelectionException($"--shard-count {c} disagrees with --shard {option} ({spec.Count} shards).");
            return spec;
        }
        if (environment(KubernetesIndex) is string k8s)
        {
            int index = Number(k8s, KubernetesIndex);
            int? count = countOption ?? (environment(CountVariable) is string n ? Number(n, CountVariable) : null);
            if (count == null)
                throw new ShardSelectionException($"{KubernetesIndex} is {k8s} (a Kubernetes Indexed Job) but the number of shards is not given: " +
                    $"pass --shard-count N or set {CountVariable} to the Job's completions.");
            return ShardSpec.Create(index, count.Value, $"{KubernetesIndex}={k8s} of {count} shards");
        }
        if (environment(SlurmId) is string slurm) return FromSlurm(slurm, countOption, environment);
        if (countOption != null)
            throw new ShardSelectionException($"--shard-count needs a shard index: --shard K/N, {KubernetesIndex} (Kubernetes) or {SlurmId} (Slurm).");
        return null;
    }

    private static ShardSpec FromSlurm(string idText, int? countOption, Func<string, string?> environment)
    {
        int id = Number(idText, SlurmId);
        int count = Number(environment(SlurmCount) ?? throw new ShardSelectionException($"{SlurmId} is set but {SlurmCount} is not: not a Slurm job array?"), SlurmCount);
        int min = environment(SlurmMin) is string m ? Number(m, SlurmMin) : 0;
        if (environment(SlurmStep) is string s && Number(s, SlurmStep) != 1)
            throw new ShardSelectionException($"the Slurm array steps by {s}: shards need one contiguous range of ids (--array=0-{count - 1}).");
        if (environment(SlurmMax) is string x && Number(x, SlurmMax) - min + 1 != count)
            throw new ShardSelectionException($"the Slurm array's ids {min}..{x} are not {count} consecutive ids: shards need one contiguous range (--array=0-{count - 1}).");
        if (countOption is int c && c != count)
            throw new ShardSelectionException($"--shard-count {c} disagrees with {SlurmCount}={count}.");
        return ShardSpec.Create(id - min, count, string.Create(CultureInfo.InvariantCulture, $"{SlurmId}={idText} (array from {min}, {count} tasks)"));
    }

    private static int Number(string text, string name) => ShardSpec.TryNumber(text, out int v)
        ? v
        : throw new ShardSelectionException($"{name} '{text}' is not a whole number.");
}
