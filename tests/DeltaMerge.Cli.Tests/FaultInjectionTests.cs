using System.Security.Cryptography;
using DeltaMerge.Tests.Shared;

namespace DeltaMerge.Cli.Tests;

/// <summary>
/// Real I/O faults injected into a running merge: the output disk fills up, the output cannot be written, an input is
/// truncated or replaced while being read, an input cannot be read as a file, two merges target one output. Each ends
/// with a specific message and exit code, leaves no complete-looking output and no temporary files, and never damages
/// an existing output that --force was about to replace. Faults mid-merge are injected while the merge is held at the
/// CLI's test hold, not by racing the clock.
/// </summary>
[NonParallelizable]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // tmpfs, FIFOs and Unix permissions
public sealed class FaultInjectionTests : HeldMergeFixture
{
    // Output bytes of HeldMerge.InputShape in fp16.
    private const long OutputBytes = 3_500_000;

    private string Marker => Temp.Sub("held");

    private string[] Merge(string baseDir, string output, params string[] extra) =>
        ["merge", "--base", baseDir, "--delta", Inputs.Sub("delta"), "--out", output, "--max-shard-size", "256KB", .. extra];

    private static void AssertIoFailure(CliProcess.Result r, string message)
    {
        Assert.That(r.ExitCode, Is.EqualTo(ExitCodes.IOFailure), r.Stderr);
        Assert.That(r.Stderr, Does.Contain(message));
        CliAssert.NoStackTrace(r);
    }

    [Test]
    public void DiskFullMidMergeIsAnIoErrorAndLeavesNothing()
    {
        using var disk = TmpfsMount.Create(Temp.Sub("disk"), OutputBytes / 3);
        var r = CliProcess.Run(Merge(Inputs.Sub("base"), Path.Combine(disk.Path, "out")));
        AssertIoFailure(r, "No space left on device");
        Assert.That(Directory.GetFileSystemEntries(disk.Path), Is.Empty, "no partial output, no lock file");
    }

    [Test]
    public void DiskFullDuringForcedReplaceKeepsTheExistingOutput()
    {
        using var disk = TmpfsMount.Create(Temp.Sub("disk"), OutputBytes / 3);
        string existing = Path.Combine(disk.Path, "out");
        Directory.CreateDirectory(existing);
        File.WriteAllText(Path.Combine(existing, "SHA256SUMS"), "the earlier result\n");
        var r = CliProcess.Run(Merge(Inputs.Sub("base"), existing, "--force"));
        AssertIoFailure(r, "No space left on device");
        Assert.That(Directory.GetFileSystemEntries(disk.Path), Is.EqualTo(new[] { existing }), "only the existing output remains");
        Assert.That(File.ReadAllText(Path.Combine(existing, "SHA256SUMS")), Is.EqualTo("the earlier result\n"));
    }

    [Test]
    public void OutputWithoutWritePermissionIsAnIoError()
    {
        // Root ignores permission bits, so as root the output lies on a read-only file system (EROFS) instead.
        string parent = Temp.Sub("readonly");
        using var mount = Environment.IsPrivilegedProcess ? TmpfsMount.Create(parent, 1 << 20, readOnly: true) : null;
        if (mount is null)
        {
            Directory.CreateDirectory(parent);
            File.SetUnixFileMode(parent, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        }
        var r = CliProcess.Run(Merge(Inputs.Sub("base"), Path.Combine(parent, "out")));
        AssertIoFailure(r, mount is null ? "denied" : "Read-only file system");
        Assert.That(Directory.GetFileSystemEntries(parent), Is.Empty);
    }

    [Test]
    public void InputTruncatedWhileBeingReadIsAnIoError()
    {
        string baseDir = Temp.CopyOf(Inputs.Sub("base"), "base");
        using var merge = HeldMerge.Start(Marker, Merge(baseDir, Temp.Sub("out")));
        merge.WaitUntilHeld();
        CorruptFiles.Truncate(Path.Combine(baseDir, "model.safetensors"), new FileInfo(Path.Combine(baseDir, "model.safetensors")).Length * 3 / 4);
        var r = merge.ReleaseAndWait();
        AssertIoFailure(r, "the file changed while being read");
        Assert.That(Directory.GetFileSystemEntries(Temp.Path).Select(Path.GetFileName), Is.EquivalentTo(new[] { "base" }), "no output, partial or lock");
    }

    [Test]
    public void InputReplacedWhileBeingReadIsReadAsItWasWhenOpened()
    {
        // Replacing a file (write a new one, rename it over) leaves the open file intact: the merge reads one version
        // throughout and its checksum verification covers exactly what was read.
        string baseDir = Temp.CopyOf(Inputs.Sub("base"), "base");
        string model = Path.Combine(baseDir, "model.safetensors");
        using var merge = HeldMerge.Start(Marker, Merge(baseDir, Temp.Sub("out"), "--base-checksums", Path.Combine(baseDir, "SHA256SUMS")));
        merge.WaitUntilHeld();
        File.WriteAllBytes(model + ".new", new byte[new FileInfo(model).Length]);
        File.Move(model + ".new", model, overwrite: true);
        var r = merge.ReleaseAndWait();
        Assert.That(r.ExitCode, Is.EqualTo(ExitCodes.Success), r.Stderr);

        var reference = CliProcess.Run(Merge(Inputs.Sub("base"), Temp.Sub("reference"), "--quiet"));
        Assert.That(reference.ExitCode, Is.EqualTo(ExitCodes.Success), reference.Stderr);
        foreach (string shard in Directory.GetFiles(Temp.Sub("reference"), "*.safetensors"))
            Assert.That(SHA256.HashData(File.ReadAllBytes(Path.Combine(Temp.Sub("out"), Path.GetFileName(shard)))),
                Is.EqualTo(SHA256.HashData(File.ReadAllBytes(shard))), Path.GetFileName(shard));
    }

    [Test]
    public void InputThatIsAFifoIsRefusedInsteadOfHanging()
    {
        string baseDir = Temp.CopyOf(Inputs.Sub("base"), "base");
        string model = Path.Combine(baseDir, "model.safetensors");
        File.Delete(model);
        var (code, output) = TmpfsMount.Run("mkfifo", model);
        if (code != 0) Assert.Ignore($"mkfifo is not available: {output}");
        var r = CliProcess.Run(Merge(baseDir, Temp.Sub("out")));
        AssertIoFailure(r, "not a regular file");
        Assert.That(Directory.Exists(Temp.Sub("out")), Is.False);
    }

    [Test]
    public void UnreadableInputIsAnIoError()
    {
        string baseDir = Temp.CopyOf(Inputs.Sub("base"), "base");
        File.SetUnixFileMode(Path.Combine(baseDir, "model.safetensors"), UnixFileMode.None);
        var r = CliProcess.RunBoundByPermissions(Merge(baseDir, Temp.Sub("out")));
        AssertIoFailure(r, "denied");
        Assert.That(r.Stderr, Does.Contain("model.safetensors"), "the message names the file");
        Assert.That(Directory.Exists(Temp.Sub("out")), Is.False);
    }

    [Test]
    public void SecondMergeIntoTheSameOutputIsRefusedWhileTheFirstRuns()
    {
        string output = Temp.Sub("out");
        using var first = HeldMerge.Start(Marker, Merge(Inputs.Sub("base"), output));
        first.WaitUntilHeld();
        foreach (string[] extra in new[] { Array.Empty<string>(), ["--force"] })
            AssertIoFailure(CliProcess.Run(Merge(Inputs.Sub("base"), output, extra)), "another deltamerge process is writing this output");
        var r = first.ReleaseAndWait();
        Assert.That(r.ExitCode, Is.EqualTo(ExitCodes.Success), r.Stderr);
        Assert.That(File.Exists(Path.Combine(output, "SHA256SUMS")), Is.True, "the first merge completed undisturbed");
        Assert.That(Directory.GetFileSystemEntries(Temp.Path).Select(Path.GetFileName), Is.EquivalentTo(new[] { "out" }), "no partial or lock left");
        Assert.That(CliProcess.Run("verify", output).ExitCode, Is.EqualTo(ExitCodes.Success));
    }
}
