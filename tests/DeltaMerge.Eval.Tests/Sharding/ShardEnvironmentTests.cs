using DeltaMerge.Eval.Sharding;

namespace DeltaMerge.Eval.Tests.Sharding;

/// <summary>Which shard a process runs: --shard, else Kubernetes Indexed Job or Slurm array variables.</summary>
public sealed class ShardEnvironmentTests
{
    private static ShardSpec? Resolve(string? option, int? count, params (string Name, string Value)[] variables)
    {
        var env = variables.ToDictionary(v => v.Name, v => v.Value);
        return ShardEnvironment.Resolve(option, count, name => env.GetValueOrDefault(name));
    }

    private static string Refused(string? option, int? count, params (string, string)[] variables) =>
        Assert.Throws<ShardSelectionException>(() => Resolve(option, count, variables))!.Message;

    [Test]
    public void NothingMeansAWholeRun() => Assert.That(Resolve(null, null), Is.Null);

    [Test]
    public void TheOptionWinsOverTheEnvironment()
    {
        Assert.That(Resolve("1/3", null, ("JOB_COMPLETION_INDEX", "0"), ("SLURM_ARRAY_TASK_ID", "2")), Is.EqualTo(new ShardSpec(1, 3)));
        Assert.That(Resolve("1/3", 3), Is.EqualTo(new ShardSpec(1, 3)));
        Assert.That(Resolve("none", null, ("JOB_COMPLETION_INDEX", "0"), ("DELTAMERGE_SHARD_COUNT", "2")), Is.Null);
    }

    [Test]
    public void KubernetesIndexWithTheCountFromTheOptionOrTheVariable()
    {
        Assert.That(Resolve(null, 4, ("JOB_COMPLETION_INDEX", "3")), Is.EqualTo(new ShardSpec(3, 4)));
        Assert.That(Resolve(null, null, ("JOB_COMPLETION_INDEX", "0"), ("DELTAMERGE_SHARD_COUNT", "4")), Is.EqualTo(new ShardSpec(0, 4)));
        Assert.That(Resolve(null, 2, ("JOB_COMPLETION_INDEX", "1"), ("DELTAMERGE_SHARD_COUNT", "4")), Is.EqualTo(new ShardSpec(1, 2)), "the option wins");
    }

    [Test]
    public void SlurmArraysCountFromTheirFirstId()
    {
        Assert.That(Resolve(null, null, ("SLURM_ARRAY_TASK_ID", "0"), ("SLURM_ARRAY_TASK_COUNT", "3")), Is.EqualTo(new ShardSpec(0, 3)));
        Assert.That(Resolve(null, null, ("SLURM_ARRAY_TASK_ID", "2"), ("SLURM_ARRAY_TASK_COUNT", "3"), ("SLURM_ARRAY_TASK_MIN", "0"), ("SLURM_ARRAY_TASK_MAX", "2"),
            ("SLURM_ARRAY_TASK_STEP", "1")), Is.EqualTo(new ShardSpec(2, 3)));
        Assert.That(Resolve(null, null, ("SLURM_ARRAY_TASK_ID", "1"), ("SLURM_ARRAY_TASK_COUNT", "4"), ("SLURM_ARRAY_TASK_MIN", "1"), ("SLURM_ARRAY_TASK_MAX", "4")),
            Is.EqualTo(new ShardSpec(0, 4)), "--array=1-4");
        Assert.That(Resolve(null, 4, ("SLURM_ARRAY_TASK_ID", "7"), ("SLURM_ARRAY_TASK_COUNT", "4"), ("SLURM_ARRAY_TASK_MIN", "4")), Is.EqualTo(new ShardSpec(3, 4)));
    }

    [Test]
    public void KubernetesIsLookedAtFirst() =>
        Assert.That(Resolve(null, null, ("JOB_COMPLETION_INDEX", "1"), ("DELTAMERGE_SHARD_COUNT", "2"), ("SLURM_ARRAY_TASK_ID", "0"), ("SLURM_ARRAY_TASK_COUNT", "5")),
            Is.EqualTo(new ShardSpec(1, 2)));

    [Test]
    public void BadValuesSayWhatIsWrong()
    {
        Assert.That(Refused("2/3", 4), Does.Contain("--shard-count 4 disagrees with --shard 2/3"));
        Assert.That(Refused("none", 4), Does.Contain("--shard none and --shard-count do not go together"));
        Assert.That(Refused(null, 4), Does.Contain("--shard-count needs a shard index"));
        Assert.That(Refused(null, null, ("JOB_COMPLETION_INDEX", "1")), Does.Contain("pass --shard-count N or set DELTAMERGE_SHARD_COUNT"));
        Assert.That(Refused(null, null, ("JOB_COMPLETION_INDEX", "1"), ("DELTAMERGE_SHARD_COUNT", "1")), Does.Contain("shard index 1 is outside 0..0"));
        Assert.That(Refused(null, null, ("JOB_COMPLETION_INDEX", "1"), ("DELTAMERGE_SHARD_COUNT", "two")), Does.Contain("DELTAMERGE_SHARD_COUNT 'two' is not a whole number"));
        Assert.That(Refused(null, null, ("JOB_COMPLETION_INDEX", "-1"), ("DELTAMERGE_SHARD_COUNT", "2")), Does.Contain("JOB_COMPLETION_INDEX '-1' is not a whole number"));
        Assert.That(Refused(null, null, ("SLURM_ARRAY_TASK_ID", "1")), Does.Contain("SLURM_ARRAY_TASK_COUNT is not"));
        Assert.That(Refused(null, null, ("SLURM_ARRAY_TASK_ID", "0"), ("SLURM_ARRAY_TASK_COUNT", "0")), Does.Contain("at least 1, got 0"));
        Assert.That(Refused(null, null, ("SLURM_ARRAY_TASK_ID", "3"), ("SLURM_ARRAY_TASK_COUNT", "3")), Does.Contain("shard index 3 is outside 0..2"),
            "an array from 1 without SLURM_ARRAY_TASK_MIN");
        Assert.That(Refused(null, null, ("SLURM_ARRAY_TASK_ID", "0"), ("SLURM_ARRAY_TASK_COUNT", "3"), ("SLURM_ARRAY_TASK_MIN", "1")),
            Does.Contain("shard index -1 is outside 0..2"));
        Assert.That(Refused(null, null, ("SLURM_ARRAY_TASK_ID", "4"), ("SLURM_ARRAY_TASK_COUNT", "3"), ("SLURM_ARRAY_TASK_STEP", "2")), Does.Contain("steps by 2"));
        Assert.That(Refused(null, null, ("SLURM_ARRAY_TASK_ID", "3"), ("SLURM_ARRAY_TASK_COUNT", "3"), ("SLURM_ARRAY_TASK_MIN", "1"), ("SLURM_ARRAY_TASK_MAX", "5")),
            Does.Contain("ids 1..5 are not 3 consecutive ids"), "--array=1,3,5");
        Assert.That(Refused(null, 2, ("SLURM_ARRAY_TASK_ID", "0"), ("SLURM_ARRAY_TASK_COUNT", "3")), Does.Contain("--shard-count 2 disagrees with SLURM_ARRAY_TASK_COUNT=3"));
    }
}
