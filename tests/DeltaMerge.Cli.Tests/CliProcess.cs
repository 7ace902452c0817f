using System.Diagnostics;
using System.Text;

namespace DeltaMerge.Cli.Tests;

/// <summary>Runs the real deltamerge program (the built deltamerge.dll) as a child process.</summary>
internal static class CliProcess
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    public static string ProgramPath => typeof(ExitCodes).Assembly.Location;

    public static ProcessStartInfo StartInfo(params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        psi.ArgumentList.Add(ProgramPath);
        foreach (string a in args) psi.ArgumentList.Add(a);
        return psi;
    }

    /// <summary>
    /// Not a timing assertion: every command here finishes in seconds, even on a loaded machine; this only turns a
    /// hang (a real bug) into a failure instead of a test run stuck forever, so it is far above any honest duration.
    /// </summary>
    public static readonly TimeSpan HangGuard = TimeSpan.FromMinutes(15);

    public static Result Run(params string[] args)
    {
        using var p = Process.Start(StartInfo(args))!;
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
