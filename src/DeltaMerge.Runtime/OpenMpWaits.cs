using System.Runtime.InteropServices;

namespace DeltaMerge.Runtime;

/// <summary>
/// Makes libtorch's OpenMP threads sleep, not spin, between parallel regions. By default GNU OpenMP workers spin after
/// each region; in a decode step libtorch's small parallel ops alternate with the kernels' own threads, and the
/// spinning workers then take the cores the kernels need (measured on 2 cores: a decode step 20x slower with 2
/// threads than with 1). OMP_WAIT_POLICY is read once, when libgomp is loaded with libtorch, so this must run before
/// the first TorchSharp call; a value the user set is kept. Linux/glibc only; elsewhere nothing changes.
/// </summary>
public static partial class OpenMpWaits
{
    private const string Variable = "OMP_WAIT_POLICY";

    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int SetEnv(string name, string value, int overwrite);

    /// <summary>Sets OMP_WAIT_POLICY=PASSIVE in the process environment unless it is already set.</summary>
    public static void PreferPassive()
    {
        if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable(Variable) is not null) return;
        try
        {
            // .NET keeps its own copy of the environment on Unix; libgomp reads the C library's.
            _ = SetEnv(Variable, "PASSIVE", 0);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // Another C library: keep its defaults.
        }
    }
}
