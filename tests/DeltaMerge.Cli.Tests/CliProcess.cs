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
