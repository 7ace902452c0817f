using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using DeltaMerge.Runtime.Kernels;

namespace DeltaMerge.KernelCheck;

/// <summary>
/// GB/s of weights streamed by <see cref="MatVec.Multiply(in WeightMatrix, float*, int, float*, KernelPool)"/> on a
/// LLaMA-7B MLP-shaped matrix (4096 × 11008, larger than the caches), next to a plain vector read of memory in the
/// same run, for each weight type, batch size and thread count.
/// </summary>
internal static unsafe class Bench
{
    private const int K = 11008;
    private static readonly int[] Batches = [1, 4, 16];

    public static int Run(TextWriter output, string[] args)
    {
        double seconds = Option(args, "--seconds", 0.5);
        int outputs = (int)Option(args, "--outputs", 4096);   // a few rows fit in the caches: a compute-bound figure
        int maxThreads = Math.Min(2, Environment.ProcessorCount);
        output.WriteLine($"isa={KernelIsas.Best}, matrix {outputs}x{K}, {seconds} s per figure");
        var probe = new double[maxThreads + 1];
        double probeCpu = double.NaN;
        for (int t = 1; t <= maxThreads; t++)
        {
            var (wall, perCpu) = Probe(t, outputs, seconds);
            probe[t] = wall;
            if (t == 1) probeCpu = perCpu;
            output.WriteLine($"memory read probe, {t} thread(s): {wall:F1} GB/s" + (t == 1 ? $", {perCpu:F1} GB/s per CPU-second" : ""));
        }
        output.WriteLine();
        output.WriteLine("| type | rows | threads | GB/s (wall) | % of probe | GB/s per CPU-second (1 thread) | % of probe |");
        output.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
        foreach (WeightType type in Enum.GetValues<WeightType>())
        {
            long bytes = WeightMatrix.BytesPerRow(type, K) * outputs;
            byte* data = Allocate(bytes, type);
            var w = new WeightMatrix(data, type, outputs, K);
            float[] x = KernelReference.Activations(Batches[^1], K, seed: 1), y = Pinned.Array<float>(Batches[^1] * outputs);
            float* xp = Pinned.Pointer(x), yp = Pinned.Pointer(y);
            foreach (int rows in Batches)
                for (int t = 1; t <= maxThreads; t++)
                {
                    using var pool = new KernelPool(t);
                    var (wall, perCpu) = Measure(bytes, seconds, () => MatVec.Multiply(w, xp, rows, yp, pool));
                    string cpuColumns = t == 1 ? $"{perCpu:F1} | {100 * perCpu / probeCpu:F0}%" : " | ";
                    output.WriteLine($"| {type} | {rows} | {t} | {wall:F1} | {100 * wall / probe[t]:F0}% | {cpuColumns} |");
                }
            NativeMemory.AlignedFree(data);
        }
        CallOverhead(output, seconds, maxThreads);
        return 0;
    }

    /// <summary>Microseconds per call on a tiny matrix (64 × 256 f32, one row): the pool's fixed cost per call.</summary>
    private static void CallOverhead(TextWriter output, double seconds, int maxThreads)
    {
        const int outputs = 64, k = 256;
        byte* data = Allocate(WeightMatrix.BytesPerRow(WeightType.F32, k) * outputs, WeightType.F32);
        var w = new WeightMatrix(data, WeightType.F32, outputs, k);
        float[] x = KernelReference.Activations(1, k, seed: 2), y = Pinned.Array<float>(outputs);
        float* xp = Pinned.Pointer(x), yp = Pinned.Pointer(y);
        output.WriteLine();
        for (int t = 1; t <= maxThreads; t++)
        {
            using var pool = new KernelPool(t);
            var (wall, _) = Measure(1, seconds, () => MatVec.Multiply(w, xp, 1, yp, pool));
            output.WriteLine($"call overhead, {outputs}x{k} f32, 1 row, {t} thread(s): {1e-3 / wall:F2} µs per call");
        }
        NativeMemory.AlignedFree(data);
    }

    /// <summary>The memory read probe alone, for scripts/bench/runtime: GB/s of a plain vectorised sum on <c>--threads</c> threads.</summary>
    public static int RunProbe(TextWriter output, string[] args)
    {
        var (wall, _) = Probe((int)Option(args, "--threads", 1), (int)Option(args, "--outputs", 4096), Option(args, "--seconds", 1.0));
        output.WriteLine(FormattableString.Invariant($"{wall:F1}"));
        return 0;
    }

    /// <summary>GB/s (wall, and per CPU-second of the caller) of reading a float32 matrix larger than the caches.</summary>
    private static (double Wall, double PerCpu) Probe(int threads, int outputs, double seconds)
    {
        long probeBytes = WeightMatrix.BytesPerRow(WeightType.F32, K) * outputs;
        byte* probeData = Allocate(probeBytes, WeightType.F32);
        try
        {
            using var pool = new KernelPool(threads);
            return Measure(probeBytes, seconds, () => pool.Run(outputs, (first, end) => ReadRows(probeData, first, end), MatVecJob.Granularity));
        }
        finally
        {
            NativeMemory.AlignedFree(probeData);
        }
    }

    private static double Option(string[] args, string name, double fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? double.Parse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture) : fallback;
    }

    /// <summary>
    /// GB/s of <paramref name="call"/> over at least <paramref name="seconds"/> after a few warm-up calls: by the wall
    /// clock, and per CPU-second of the calling thread (NaN where there is no thread clock).
    /// </summary>
    private static (double Wall, double PerCpuSecond) Measure(long bytes, double seconds, Action call)
    {
        for (int i = 0; i < 3; i++) call();
        long calls = 0;
        double cpuStart = ThreadClock.Seconds();
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed.TotalSeconds < seconds)
        {
            call();
            calls++;
        }
        double wall = clock.Elapsed.TotalSeconds, cpu = ThreadClock.Seconds() - cpuStart;
        return (bytes * calls / wall / 1e9, bytes * calls / cpu / 1e9);
    }

    /// <summary>Weights of sensible magnitude (no inf/NaN), 64-byte aligned.</summary>
    private static byte* Allocate(long bytes, WeightType type)
    {
        byte* data = (byte*)NativeMemory.AlignedAlloc((nuint)bytes, 64);
        var span = new Span<byte>(data, checked((int)bytes));
        new Random(7).NextBytes(span);
        switch (type)
        {
            case WeightType.F32:
                foreach (ref uint v in MemoryMarshal.Cast<byte, uint>(span)) v = v & 0x807F_FFFF | 0x3F00_0000;
                break;
            case WeightType.F16:
                foreach (ref ushort v in MemoryMarshal.Cast<byte, ushort>(span)) v = (ushort)(v & 0x83FF | 0x3800);
                break;
            case WeightType.BF16:
                foreach (ref ushort v in MemoryMarshal.Cast<byte, ushort>(span)) v = (ushort)(v & 0x807F | 0x3F00);
                break;
            case WeightType.Q8_0:
                for (long b = 0; b < bytes; b += WeightMatrix.Q8BlockBytes) *(ushort*)(data + b) = 0x2000;
                break;
        }
        return data;
    }

    /// <summary>Rows [first, end) of a float32 [Outputs, K] buffer summed with four independent vectors: the read rate to compare against.</summary>
    private static void ReadRows(byte* data, int first, int end)
    {
        var a = Vector256<float>.Zero;
        var b = a;
        var c = a;
        var d = a;
        float* p = (float*)data + (long)first * K, stop = (float*)data + (long)end * K;
        for (; p + 32 <= stop; p += 32)
        {
            a += Vector256.Load(p);
            b += Vector256.Load(p + 8);
            c += Vector256.Load(p + 16);
            d += Vector256.Load(p + 24);
        }
        Sink = Vector256.Sum(a + b + c + d);
    }

    /// <summary>Keeps the probe's sum alive.</summary>
    private static float Sink { get; set; }
}
