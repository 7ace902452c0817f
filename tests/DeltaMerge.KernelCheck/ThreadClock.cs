using System.Runtime.InteropServices;

namespace DeltaMerge.KernelCheck;

/// <summary>
/// CPU time of the calling thread (Linux clock_gettime(CLOCK_THREAD_CPUTIME_ID)): on a machine shared with other
/// work, bytes per CPU-second of one thread is what the kernel does whenever it runs, while wall-clock figures drift
/// with the load.
/// </summary>
internal static partial class ThreadClock
{
    private const int ThreadCpuTimeClock = 3;

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clock, out TimeSpec time);

    /// <summary>Whether this platform has the clock.</summary>
    public static bool IsAvailable { get; } = OperatingSystem.IsLinux() && Seconds() is > 0;

    /// <summary>CPU seconds this thread has used.</summary>
    public static double Seconds() => ClockGetTime(ThreadCpuTimeClock, out var t) == 0 ? t.Seconds + t.Nanoseconds * 1e-9 : double.NaN;
}
