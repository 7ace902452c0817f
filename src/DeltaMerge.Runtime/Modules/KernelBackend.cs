using DeltaMerge.Runtime.Kernels;
using DeltaMerge.Runtime.Weights;
using TorchSharp;

namespace DeltaMerge.Runtime.Modules;

/// <summary>
/// What the exact CPU path shares across a model: the thread pool the kernels split over, the mapped model files and
/// resident weights, and one float32 scratch that prefill widens weight chunks into (reused, so a forward never
/// allocates a float32 copy of a weight). Float32 math on weights as stored.
/// </summary>
internal sealed unsafe class KernelBackend : IDisposable
{
    /// <summary>Largest number of weight elements widened at once for prefill (16 MiB of float32).</summary>
    private const long ScratchElements = 4L << 20;

    private readonly List<ResidentWeight> _resident = [];
    private torch.Tensor? _scratch;

    public KernelBackend(int threads, int decodeRowLimit)
    {
        Pool = new KernelPool(threads);
        DecodeRowLimit = decodeRowLimit;
    }

    /// <summary>The threads kernels are split over.</summary>
    public KernelPool Pool { get; }

    /// <summary>Row counts up to this use the matrix-vector kernels; more rows widen weight chunks for libtorch's GEMM.</summary>
    public int DecodeRowLimit { get; }

    /// <summary>Mappings of the model files the resident weights point into.</summary>
    public MappedFiles Maps { get; } = new();

    /// <summary>Makes <paramref name="source"/> resident, owned by this backend.</summary>
    public ResidentWeight MakeResident(WeightSource source)
    {
        var weight = source.MakeResident(Maps);
        _resident.Add(weight);
        return weight;
    }

    /// <summary>Rows of <paramref name="w"/> that fit the scratch at once.</summary>
    public static int ChunkRows(in WeightMatrix w) => (int)Math.Clamp(ScratchElements / Math.Max(1, w.Columns), 1, Math.Max(1, w.Rows));

    /// <summary>The scratch viewed as [rows, columns] float32 (grown on first need; detached from dispose scopes).</summary>
    public torch.Tensor Scratch(long rows, long columns)
    {
        long needed = rows * columns;
        if (_scratch is null || _scratch.NumberOfElements < needed)
        {
            _scratch?.Dispose();
            _scratch = torch.empty(needed, torch.ScalarType.Float32).DetachFromDisposeScope();
        }
        using var flat = _scratch.narrow(0, 0, needed);
        return flat.view(rows, columns);
    }

    public void Dispose()
    {
        Pool.Dispose();
        foreach (var w in _resident) w.Dispose();
        _resident.Clear();
        Maps.Dispose();
        _scratch?.Dispose();
    }
}
