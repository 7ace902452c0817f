using System.Diagnostics;
using DeltaMerge.Tests.Shared;

namespace DeltaMerge.Cli.Tests;

/// <summary>
/// A merge killed or interrupted mid-write never leaves a complete-looking output. The merge is held at a known point
/// (half of the output written, several shards closed) by the CLI's test hold, so the tests do not race the clock.
/// </summary>
[NonParallelizable]
public sealed class InterruptionTests : HeldMergeFixture
{
    private string Marker => Path.Combine(Inputs.Path, "held-" + TestContext.CurrentContext.Test.Name);

    private HeldMerge StartHeldMerge() => HeldMerge.Start(Marker, "merge", "--base", Inputs.Sub("base"), "--delta", Inputs.Sub("delta"),
        "--out", Temp.Sub("out"), "--max-shard-size", "256KB", "--quiet", "--base-checksums", Path.Combine(Inputs.Sub("base"), "SHA256SUMS"));

    /// <summary>Waits until the merge holds; returns its hidden partial directory.</summary>
    private string WaitUntilHeld(HeldMerge merge)
    {
        merge.WaitUntilHeld();
        var partial = Directory.GetDirectories(Temp.Path, ".out.partial-*").Single();
        Assert.That(Directory.GetFiles(partial, "model-*.safetensors"), Has.Length.GreaterThanOrEqualTo(3), "held with shards written");
        return partial;
    }

    [Test]
    public void KilledMidWriteLeavesNoOutputUnderTheRequestedName()
    {
        using var merge = StartHeldMerge();
        string partial = WaitUntilHeld(merge);
        merge.Process.Kill();
        merge.Wait();
        Assert.That(Directory.Exists(Temp.Sub("out")), Is.False, "no directory under the requested name");
        Assert.That(Path.GetFileName(partial), Does.StartWith("."), "only a hidden .partial directory may remain");
        Assert.That(File.Exists(Path.Combine(partial, "SHA256SUMS")), Is.False, "the partial directory is visibly incomplete");
    }

    [Test]
    public void InterruptRemovesThePartialOutput()
    {
        using var merge = StartHeldMerge();
        WaitUntilHeld(merge);
        using (var kill = Process.Start("kill", ["-INT", merge.Process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])) kill.WaitForExit();
        var r = merge.Wait();
        Assert.That(r.ExitCode, Is.EqualTo(ExitCodes.Cancelled));
        Assert.That(r.Stderr, Does.Contain("the partial output was removed"));
        Assert.That(Directory.GetFileSystemEntries(Temp.Path), Is.Empty, "nothing left behind");
    }

    [Test]
    public void WithoutTheHoldTheSameMergeCompletes()
    {
        // The hold is inert unless asked for: the same command without the variable finishes normally.
        var r = CliProcess.Run("merge", "--base", Inputs.Sub("base"), "--delta", Inputs.Sub("delta"), "--out", Temp.Sub("out"),
            "--max-shard-size", "256KB", "--quiet");
        Assert.That(r.ExitCode, Is.EqualTo(ExitCodes.Success), r.Stderr);
        Assert.That(File.Exists(Path.Combine(Temp.Sub("out"), "SHA256SUMS")), Is.True);
    }
}
