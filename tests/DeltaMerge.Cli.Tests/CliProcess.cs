using System.Diagnostics;
using System.Text;

namespace DeltaMerge.Cli.Tests;

/// <summary>Runs the real deltamerge program (the built deltamerge.dll) as a child process.</summary>
internal static class CliProcess
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    public static string ProgramPath => typeof(ExitCodes).Assembly.Location;

    /// <summary>The variables eval and eval-suite take their shard from.</summary>
    public static readonly string[] ShardVariables =
    [
        "JOB_COMPLETION_INDEX", "DELTAMERGE_SHARD_COUNT", "SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_COUNT",
        "SLURM_ARRAY_TASK_MIN", "SLURM_ARRAY_TASK_MAX", "SLURM_ARRAY_TASK_STEP",
    ];

        public static ProcessStartInfo StartInfo(params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        psi.ArgumentList.Add(ProgramPath);
        foreach (string a in args) psi.ArgumentList.Add(a);
        // Hermetic: a test run inside a Kubernetes Indexed Job or a Slurm array must not shard the evaluations it starts.
        foreach (string name in ShardVariables) psi.Environment.Remove(name);
        return psi;
    }

    /// <summary>
    /// Not a timing assertion: every command here finishes in seconds, even on a loaded machine; this only turns a
    /// hang (a real bug) into a failure instead of a test run stuck forever, so it is far above any honest duration.
    /// </summary>
    public static readonly TimeSpan HangGuard = TimeSpan.FromMinutes(15);

    public static Result Run(params string[] args) => RunWith(new Dictionary<string, string?>(), args);

    /// <summary>Runs with <paramref name="environment"/> set (a null value removes the variable) on top of this process's environment.</summary>
    public static Result RunWith(IReadOnlyDictionary<string, string?> environment, params string[] args)
    {
        var psi = StartInfo(args);
        foreach (var (name, value) in environment)
        {
            if (value == null) psi.Environment.Remove(name);
            else psi.Environment[name] = value;
        }
        return Execute(psi, args);
    }

    /// <summary>
    /// Runs as a user whom permission bits bind. As root they stop nothing (CAP_DAC_OVERRIDE), so the program runs
    /// under util-linux's <c>setpriv</c> with the two capabilities that bypass them dropped; the test is skipped with
    /// the reason where that cannot be done.
    /// </summary>
    public static Result RunBoundByPermissions(params string[] args)
    {
        if (!Environment.IsPrivilegedProcess) return Run(args);
        string[] dropped = ["--inh-caps=-all", "--bounding-set=-dac_override,-dac_read_search"];
        var probe = new ProcessStartInfo("setpriv") { UseShellExecute = false, RedirectStandardError = true };
        foreach (string a in dropped.Append("true")) probe.ArgumentList.Add(a);
        try
        {
            using var p = Process.Start(probe)!;
            p.WaitForExit();
            if (p.ExitCode != 0) Assert.Ignore("running as root and setpriv cannot drop CAP_DAC_OVERRIDE here: " + p.StandardError.ReadToEnd());
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            Assert.Ignore("running as root without setpriv (util-linux) to drop CAP_DAC_OVERRIDE: " + e.Message);
        }
        var psi = StartInfo(args);
        var command = new List<string> { psi.FileName };
        command.AddRange(psi.ArgumentList);
        psi.FileName = "setpriv";
        psi.ArgumentList.Clear();
        foreach (string a in dropped.Concat(command)) psi.ArgumentList.Add(a);
        return Execute(psi, args);
    }

    private static Result Execute(ProcessStartInfo psi, string[] args)
    {
        using var p = Process.Start(psi)!;
        p.StandardInput.Close();
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(HangGuard))
        {
            p.Kill(entireProcessTree: true);
            Assert.Fail("deltamerge hung (no exit within the hang guard): " + string.Join(' ', args));
        }
        p.WaitForExit();
        return new Result(p.ExitCode, stdout.Result, stderr.Result);
    }
}
