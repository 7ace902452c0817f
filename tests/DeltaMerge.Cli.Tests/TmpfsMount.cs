using System.Diagnostics;

namespace DeltaMerge.Cli.Tests;

/// <summary>
/// A small tmpfs mounted by the test on one of its directories: a real file system that runs out of space (or refuses
/// writes, mounted read-only), so disk-full and read-only failures come from the kernel, not from a mock. Mounting
/// needs root (CAP_SYS_ADMIN); where it is impossible the test is skipped with the reason.
/// </summary>
internal sealed class TmpfsMount : IDisposable
{
    private TmpfsMount(string path) => Path = path;

    public string Path { get; }

    /// <summary>Mounts a tmpfs of <paramref name="bytes"/> on <paramref name="directory"/> (created), or skips the test.</summary>
    public static TmpfsMount Create(string directory, long bytes, bool readOnly = false)
    {
        Directory.CreateDirectory(directory);
        string options = $"size={bytes}" + (readOnly ? ",ro" : "");
        var (code, output) = Run("mount", "-t", "tmpfs", "-o", options, "tmpfs", directory);
        if (code != 0) Assert.Ignore($"cannot mount a tmpfs here (needs root or CAP_SYS_ADMIN), so this fault cannot be injected: {output.Trim()}");
        return new TmpfsMount(directory);
    }

    /// <summary>Exit code and combined output of a command.</summary>
    public static (int Code, string Output) Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in args) psi.ArgumentList.Add(a);
        try
        {
            using var p = Process.Start(psi)!;
            string output = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
            p.WaitForExit();
            return (p.ExitCode, output);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (-1, e.Message); // the command does not exist here
        }
    }

    public void Dispose() => Run("umount", "-l", Path);
}
