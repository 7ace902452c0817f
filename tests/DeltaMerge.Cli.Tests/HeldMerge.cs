using System.Diagnostics;

namespace DeltaMerge.Cli.Tests;

/// <summary>
/// A deltamerge child process held at the CLI's test hold (half of the output written), so a test can interrupt,
/// kill, damage an input or start a competing job at a known point instead of racing the clock.
/// </summary>
internal sealed class HeldMerge : IDisposable
{
    private readonly Task<string> _stderr;

    private HeldMerge(Process process, string marker)
    {
        Process = process;
        Marker = marker;
        _stderr = process.StandardError.ReadToEndAsync();
        _ = process.StandardOutput.ReadToEndAsync();
    }

    /// <summary>
    /// The model the held-merge tests merge: ~3.5 MB of fp16 output, so with 256 KB shards the hold at half the bytes
    /// comes after several closed shards.
    /// </summary>
    public static readonly DeltaMerge.Demo.SyntheticLlama.Shape InputShape = new(128, 344, 4, 4, 1000);

    /// <summary>Writes the base and delta of <see cref="InputShape"/> into <paramref name="inputs"/>/base and /delta.</summary>
    public static void WriteInputs(DeltaMerge.Tests.Shared.TempDirectory inputs)
    {
        DeltaMerge.Demo.SyntheticLlama.WriteBase(inputs.Sub("base"), InputShape);
        DeltaMerge.Demo.SyntheticLlama.WriteDelta(inputs.Sub("delta"), InputShape);
    }

    public Process Process { get; }

    /// <summary>The file the hold creates when reached; deleting it releases the merge.</summary>
    public string Marker { get; }

    /// <summary>Starts <c>deltamerge ARGS</c> with the hold armed at <paramref name="marker"/>.</summary>
    public static HeldMerge Start(string marker, params string[] args)
    {
        File.Delete(marker);
        var program = CliProcess.StartInfo(args);
        // Through env(1) with SIGINT at its default: a test run started in the background of a non-interactive shell
        // inherits SIGINT ignored, and .NET keeps an ignored SIGINT ignored, so Ctrl-C tests would wait forever.
        var psi = new ProcessStartInfo("env")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false,
        };
        psi.ArgumentList.Add("--default-signal=INT");
        psi.ArgumentList.Add(program.FileName);
        foreach (string a in program.ArgumentList) psi.ArgumentList.Add(a);
        psi.Environment[TestHold.MarkerVariable] = marker;
        var p = Process.Start(psi)!;
        p.StandardInput.Close();
        return new HeldMerge(p, marker);
    }

    /// <summary>Waits until the merge holds.</summary>
    public void WaitUntilHeld()
    {
        // Not a timing assertion: the merge cannot finish without passing the hold, so this only waits for an event
        // that must come; the generous cap turns a hang into a failure instead of a stuck test run.
        var clock = Stopwatch.StartNew();
        while (!File.Exists(Marker))
        {
            if (Process.HasExited) Assert.Fail($"the merge ended (exit {Process.ExitCode}) without reaching the hold: {_stderr.Result}");
            if (clock.Elapsed > TimeSpan.FromMinutes(10)) Assert.Fail("the merge never reached the hold");
            Thread.Sleep(5);
        }
    }

    /// <summary>Lets the held merge go on, and waits for its end.</summary>
    public CliProcess.Result ReleaseAndWait()
    {
        File.Delete(Marker);
        return Wait();
    }

    /// <summary>Waits for the process to end (after a release, a signal or a kill).</summary>
    public CliProcess.Result Wait()
    {
        if (!Process.WaitForExit(CliProcess.HangGuard))
        {
            Process.Kill(entireProcessTree: true);
            Assert.Fail("the held merge did not end after its release");
        }
        Process.WaitForExit();
        return new CliProcess.Result(Process.ExitCode, "", _stderr.Result);
    }

    public void Dispose()
    {
        if (!Process.HasExited) Process.Kill(entireProcessTree: true);
        Process.Dispose();
    }
}
