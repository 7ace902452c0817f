using System.Runtime.InteropServices;

namespace DeltaMerge.Cli;

/// <summary>
/// glibc malloc settings for the streaming merge: every chunk allocates and frees buffers of a few MB; with glibc's
/// defaults these are mapped and unmapped each time, so every chunk pays page faults for fresh zero pages. Raising the
/// mmap and trim thresholds keeps them in the heap for reuse (measured: 7% faster on a 7B merge). Linux/glibc only;
/// elsewhere, or if libc refuses, nothing changes.
/// </summary>
internal static partial class AllocatorTuning
{
    private const int MTrimThreshold = -1;
    private const int MMmapThreshold = -3;
    private const int MArenaMax = -8;

    [LibraryImport("libc", EntryPoint = "mallopt")]
    private static partial int MallOpt(int param, int value);

    public static void Apply()
    {
        if (!OperatingSystem.IsLinux()) return;
        try
        {
            MallOpt(MMmapThreshold, 64 << 20);
            MallOpt(MTrimThreshold, 512 << 20);
            // Chunks are allocated on reader threads and freed on others; with one arena per thread, each keeps its
            // own freed memory (measured: +300 MB RSS on a 7B q8_0 merge). Two arenas serve the pipeline as fast.
            MallOpt(MArenaMax, 2);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // musl or another libc: keep its defaults.
        }
    }
}
