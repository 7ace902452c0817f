using System.Diagnostics;
using DeltaMerge.Pipeline.Demo;
using DeltaMerge.Tests.Shared;

namespace DeltaMerge.Cli.Tests;

/// <summary>
/// A merge killed or interrupted mid-write never leaves a complete-looking output. The merge is held at a known point
/// (half of the output written, several shards closed) by the CLI's test hold, so the tests do not race the clock.
/// </summary>
[NonParallelizable]
public sealed class InterruptionTests
{
    private static TempDirectory _inputs = null!;
    private TempDirectory _temp = null!;

    // ~3.5 MB of output in 256 KB shards: the hold at half the bytes comes after several closed shards.
    private static readonly SyntheticLlama.Shape Shape = new(128, 344, 4, 4, 1000);

    [OneTimeSetUp]
    public static void MakeInputs()
    {
        _inputs = new TempDirectory();
        SyntheticLlama.WriteBase(_inputs.Sub("base"), Shape);
        SyntheticLlama.WriteDelta(_inputs.Sub("delta"), Shape);
    }

    [OneTimeTearDown] public static void RemoveInputs() => _inputs.Dispose();
    [SetUp] public void SetUp() => _temp = new TempDirectory();
    [TearDown] public void TearDown() => _temp.Dispose();

    private string Marker => Path.Combine(_inputs.Path, "held-" + TestContext.CurrentContext.Test.Name);

    private Process StartHeldMerge()
    {
        var psi = CliProcess.StartInfo("merge", "--base", _inputs.Sub("base"), "--delta", _inputs.Sub("delta"), "--out", _temp.Sub("out"),
            "--max-shard-size", "256KB", "--quiet", "--base-checksums", Path.Combine(_inputs.Sub("base"), "SHA256SUMS"));
        File.Delete(Marker);
        psi.Environment[TestHold.MarkerVariable] = Marker;
        var p = Process.Start(psi)!;
        p.StandardInput.Close();
        _ = p.StandardOutput.ReadToEndAsync();
        _ = p.StandardError.ReadToEndAsync();
        return p;
    }

    /// <summary>Waits until the merge holds (the marker exists); returns its hidden partial directory.</summary>
    private string WaitUntilHeld(Process p)
    {
        // Not a timing assertion: the merge cannot finish without passing the hold, so this only waits for an event
        // that must come; the generous cap turns a hang into a failure instead of a stuck test run.
        var clock = Stopwatch.StartNew();
        while (!File.Exists(Marker))
        {
            if (p.HasExited) Assert.Fail($"the merge ended (exit {p.ExitCode}) without reaching the hold");
            if (clock.Elapsed > TimeSpan.FromMinutes(10)) Assert.Fail("the merge never reached the hold");
            Thread.Sleep(5);
        }
        var partial = Directory.GetDirectories(_temp.Path, ".out.partial-*").Single();
        Assert.That(Directory.GetFiles(partial, "model-*.safetensors"), Has.Length.GreaterThanOrEqualTo(3), "held with shards written");
        return partial;
    }

    [Test]
    public void KilledMidWriteLeavesNoOutputUnderTheRequestedName()
    {
        using var p = StartHeldMerge();
        string partial = WaitUntilHeld(p);
        p.Kill();
        p.WaitForExit();
        Assert.That(Directory.Exists(_temp.Sub("out")), Is.False, "no directory under the requested name");
        Assert.That(Path.GetFileName(partial), Does.StartWith("."), "only a hidden .partial directory may remain");
        Assert.That(File.Exists(Path.Combine(partial, "SHA256SUMS")), Is.False, "the partial directory is visibly incomplete");
    }

    [Test]
    public void InterruptRemovesThePartialOutput()
    {
        using var p = StartHeldMerge();
        WaitUntilHeld(p);
        using (var kill = Process.Start("kill", ["-INT", p.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])) kill.WaitForExit();
        p.WaitForExit();
        Assert.That(p.ExitCode, Is.EqualTo(ExitCodes.Cancelled));
        Assert.That(Directory.GetFileSystemEntries(_temp.Path), Is.Empty, "nothing left behind");
    }

    [Test]
    public void WithoutTheHoldTheSameMergeCompletes()
    {
        // The hold is inert unless asked for: the same command without the variable finishes normally.
        var r = CliProcess.Run("merge", "--base", _inputs.Sub("base"), "--delta", _inputs.Sub("delta"), "--out", _temp.Sub("out"),
            "--max-shard-size", "256KB", "--quiet");
        Assert.That(r.ExitCode, Is.EqualTo(ExitCodes.Success), r.Stderr);
        Assert.That(File.Exists(Path.Combine(_temp.Sub("out"), "SHA256SUMS")), Is.True);
    }
}
