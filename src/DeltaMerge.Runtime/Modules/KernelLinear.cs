using DeltaMerge.Runtime.Kernels;
using DeltaMerge.Runtime.Weights;
using TorchSharp;

namespace DeltaMerge.Runtime.Modules;

/// <summary>
/// <c>y = x Wᵀ</c> in float32 with W read as stored (f16, bf16, f32, Q8_0): a few rows (decode) go through the
/// matrix-vector kernels, which read W once per call; many rows (prefill) widen W chunk by chunk into the backend's
/// scratch and use libtorch's float32 GEMM on each chunk. Both are exact float32 math on the stored values.
/// </summary>
internal static unsafe class KernelLinear
{
    /// <summary><paramref name="x"/> [T, in] float32 → [T, out] float32.</summary>
    public static torch.Tensor Forward(torch.Tensor x, ResidentWeight weight, KernelBackend backend)
    {
        var w = weight.Matrix;
        long t = x.shape[0];
        using var input = x.contiguous();
        var y = torch.empty([t, w.Rows], torch.ScalarType.Float32);
        if (t == 0 || w.Rows == 0) return y;
        if (t <= backend.DecodeRowLimit)
        {
            fixed (byte* xs = input.bytes)
            fixed (byte* ys = y.bytes)
                MatVec.Multiply(w, (float*)xs, (int)t, (float*)ys, backend.Pool);
            return y;
        }
        int chunk = KernelBackend.ChunkRows(w);
        for (int start = 0; start < w.Rows; start += chunk)
        {
            int n = Math.Min(chunk, w.Rows - start);
            using var widened = backend.Scratch(n, w.Columns);
            fixed (byte* dst = widened.bytes) WidenInParallel(w, start, n, (float*)dst, backend.Pool);
            using var part = torch.nn.functional.linear(input, widened);
            using var slot = y.narrow(1, start, n);
            slot.copy_(part);
        }
        return y;
    }

    /// <summary>Widens rows [start, +n) of <paramref name="w"/> into <paramref name="destination"/>, the rows split over the pool.</summary>
    private static void WidenInParallel(WeightMatrix w, int start, int n, float* destination, KernelPool pool)
    {
        nint dst = (nint)destination;
        pool.Run(n, (first, end) => MatVec.Widen(w, start + first, end - first, (float*)dst + (long)first * w.Columns), granularity: 16);
    }

    /// <summary>Rows <paramref name="ids"/> of <paramref name="weight"/> [vocab, hidden] as float32 [T, hidden] (the embedding lookup).</summary>
    public static torch.Tensor Rows(ReadOnlySpan<long> ids, ResidentWeight weight)
    {
        var w = weight.Matrix;
        var y = torch.empty([ids.Length, w.Columns], torch.ScalarType.Float32);
        fixed (byte* ys = y.bytes)
            for (int i = 0; i < ids.Length; i++)
                MatVec.Widen(w, checked((int)ids[i]), 1, (float*)ys + (long)i * w.Columns);
        return y;
    }
}
