using System.Diagnostics;
using DeltaMerge.Pipeline.Demo;
using DeltaMerge.Tests.Shared;

namespace DeltaMerge.Cli.Tests;

/// <summary>A merge killed or interrupted mid-write never leaves a complete-looking output.</summary>
[NonParallelizable]
public sealed class InterruptionTests
{
    private static TempDirectory _inputs = null!;
    private TempDirectory _temp = null!;

    // ~110 MB per model: large enough that the merge is still writing when the test interrupts it.
    private static readonly SyntheticLlama.Shape Shape = new(768, 2048, 6, 8, 8000);

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

    private Process StartMerge()
    {
        var psi = CliProcess.StartInfo("merge", "--base", _inputs.Sub("base"), "--delta", _inputs.Sub("delta"), "--out", _temp.Sub("out"),
            "--max-shard-size", "10MB", "--quiet", "--base-checksums", Path.Combine(_inputs.Sub("base"), "SHA256SUMS"));
        var p = Process.Start(psi)!;
        p.StandardInput.Close();
        _ = p.StandardOutput.ReadToEndAsync();
        _ = p.StandardError.ReadToEndAsync();
        return p;
    }

    /// <summary>Waits until the merge has completed at least two shards inside its hidden partial directory.</summary>
    private string WaitForPartialShards(Process p)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            if (p.HasExited) Assert.Fail($"the merge finished (exit {p.ExitCode}) before it could be interrupted");
            var partial = Directory.GetDirectories(_temp.Path, ".out.partial-*").FirstOrDefault();
            if (partial != null && Directory.GetFiles(partial, "model-*.safetensors").Length >= 3) return partial;
            Thread.Sleep(2);
        }
        Assert.Fail("no partial output appeared");
        return "";
    }

    [Test]
    public void KilledMidWriteLeavesNoOutputUnderTheRequestedName()
    {
        using var p = StartMerge();
        string partial = WaitForPartialShards(p);
        p.Kill();
        p.WaitForExit();
        Assert.That(Directory.Exists(_temp.Sub("out")), Is.False, "no directory under the requested name");
        Assert.That(Path.GetFileName(partial), Does.StartWith("."), "only a hidden .partial directory may remain");
        Assert.That(File.Exists(Path.Combine(partial, "SHA256SUMS")), Is.False, "the partial directory is visibly incomplete");
    }

    [Test]
    public void InterruptRemovesThePartialOutput()
    {
        using var p = StartMerge();
        WaitForPartialShards(p);
        using (var kill = Process.Start("kill", ["-INT", p.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])) kill.WaitForExit();
        Assert.That(p.WaitForExit(TimeSpan.FromSeconds(30)), Is.True);
        Assert.That(p.ExitCode, Is.EqualTo(ExitCodes.Cancelled));
        Assert.That(Directory.GetFileSystemEntries(_temp.Path), Is.Empty, "nothing left behind");
    }
}
