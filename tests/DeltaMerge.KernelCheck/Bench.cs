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
    private const int Outputs = 4096, K = 11008;
    private static readonly int[] Batches = [1, 4, 16];

    public static int Run(TextWriter output, string[] args)
    {
        double seconds = args is ["--seconds", var s] ? double.Parse(s, System.Globalization.CultureInfo.InvariantCulture) : 0.5;
        int maxThreads = Math.Min(2, Environment.ProcessorCount);
        output.WriteLine($"isa={KernelIsas.Best}, matrix {Outputs}x{K}, {seconds} s per figure");
        var probe = new double[maxThreads + 1];
        long probeBytes = WeightMatrix.BytesPerRow(WeightType.F32, K) * Outputs;
        byte* probeData = Allocate(probeBytes, WeightType.F32);
        for (int t = 1; t <= maxThreads; t++)
        {
            using var pool = new KernelPool(t);
            probe[t] = Measure(probeBytes, seconds, () => pool.Run(Outputs, (first, end) => ReadRows(probeData, first, end), MatVecJob.Granularity));
            output.WriteLine($"memory read probe, {t} thread(s): {probe[t]:F1} GB/s");
        }
        NativeMemory.AlignedFree(probeData);
        output.WriteLine();
        output.WriteLine("| type | rows | threads | GB/s | % of probe |");
        output.WriteLine("|---|---:|---:|---:|---:|");
        foreach (WeightType type in Enum.GetValues<WeightType>())
        {
            long bytes = WeightMatrix.BytesPerRow(type, K) * Outputs;
            byte* data = Allocate(bytes, type);
            var w = new WeightMatrix(data, type, Outputs, K);
            float[] x = KernelReference.Activations(Batches[^1], K, seed: 1), y = Pinned.Array<float>(Batches[^1] * Outputs);
            float* xp = Pinned.Pointer(x), yp = Pinned.Pointer(y);
            foreach (int rows in Batches)
                for (int t = 1; t <= maxThreads; t++)
                {
                    using var pool = new KernelPool(t);
                    double gbs = Measure(bytes, seconds, () => MatVec.Multiply(w, xp, rows, yp, pool));
                    output.WriteLine($"| {type} | {rows} | {t} | {gbs:F1} | {100 * gbs / probe[t]:F0}% |");
                }
            NativeMemory.AlignedFree(data);
        }
        return 0;
    }

    /// <summary>Bytes per second (in GB/s) of <paramref name="call"/> over at least <paramref name="seconds"/>, after one warm-up call.</summary>
    private static double Measure(long bytes, double seconds, Action call)
    {
        call();
        long calls = 0;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed.TotalSeconds < seconds)
        {
            call();
            calls++;
        }
        return bytes * calls / clock.Elapsed.TotalSeconds / 1e9;
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
