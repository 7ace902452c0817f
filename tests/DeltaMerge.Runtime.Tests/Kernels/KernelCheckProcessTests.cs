using System.Diagnostics;
using DeltaMerge.Tests.Shared;

namespace DeltaMerge.Runtime.Tests.Kernels;

/// <summary>
/// The runtime picks the instruction set from what the JIT allows: DeltaMerge.KernelCheck (built with these tests)
/// runs its self-check with AVX-512 disabled, with hardware intrinsics disabled, and as the machine is.
/// </summary>
public sealed class KernelCheckProcessTests
{
    [TestCase("DOTNET_EnableAVX512", "0", "Vector256")]
    [TestCase("DOTNET_EnableHWIntrinsic", "0", "Scalar")]
    [TestCase(null, null, null)]
    public void TheSelfCheckPassesOnTheInstructionSetTheEnvironmentAllows(string? variable, string? value, string? isa)
    {
        // Without a variable the child inherits this process's environment, so it must choose what this process chose.
        string expectedIsa = isa ?? Runtime.Kernels.KernelIsas.Best.ToString();
        if (isa == "Vector256") Assume.That(Runtime.Kernels.KernelIsas.IsSupported(Runtime.Kernels.KernelIsa.Vector256), "no AVX2 here");
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(CheckPath());
        if (variable is not null) psi.Environment[variable] = value;
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(120)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("the kernel check did not finish in 120 s");
        }
        process.WaitForExit();
        Assert.That(process.ExitCode, Is.EqualTo(0), stdout.Result + stderr.Result);
        Assert.That(stdout.Result, Does.Contain($"isa={expectedIsa}\n").And.Contain("ok"));
    }

    /// <summary>The check's dll, built in the same configuration as this assembly.</summary>
    private static string CheckPath()
    {
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));   // bin/<configuration>/<framework>
        string path = Path.Combine(RepoPaths.Root, "tests", "DeltaMerge.KernelCheck", "bin", output.Parent!.Name, output.Name, "DeltaMerge.KernelCheck.dll");
        Assert.That(File.Exists(path), Is.True, path + " was not built");
        return path;
    }
}
