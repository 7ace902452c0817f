using TorchSharp;

namespace DeltaMerge.Runtime;

/// <summary>
/// Keys and values of the positions a sequence has seen, per layer, so the next forward only computes new positions.
/// Storage grows geometrically up to the model's maximum positions. One cache serves one sequence; make one with
/// <see cref="LlamaRuntime.NewCache"/>.
/// </summary>
public sealed class KvCache : IDisposable
{
    private const long InitialCapacity = 64;

    private readonly torch.Tensor?[] _keys;   // per layer [kvHeads, capacity, headDim]
    private readonly torch.Tensor?[] _values;
    private readonly long _kvHeads, _headDim;
    private readonly torch.ScalarType _dtype;
    private readonly torch.Device _device;
    private long _capacity;
    private bool _disposed;

    internal KvCache(LlamaConfig config, torch.ScalarType dtype, torch.Device device)
    {
        _keys = new torch.Tensor?[config.LayerCount];
        _values = new torch.Tensor?[config.LayerCount];
        _kvHeads = config.KvHeadCount;
        _headDim = config.HeadDim;
        MaxLength = config.MaxPositions;
        _dtype = dtype;
        _device = device;
    }

    /// <summary>Positions held: the position the next token gets.</summary>
    public int Length { get; private set; }

    /// <summary>The most positions the model allows (max_position_embeddings).</summary>
    public int MaxLength { get; }

    /// <summary>Forgets every position (keeps the storage for reuse).</summary>
    public void Clear() => Truncate(0);

    /// <summary>Keeps the first <paramref name="length"/> positions, e.g. to rewind to a shared prompt prefix.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="length"/> is negative or more than <see cref="Length"/>.</exception>
    public void Truncate(int length)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, Length);
        Length = length;
    }

    /// <summary>
    /// Writes layer <paramref name="layer"/>'s new keys/values [kvHeads, T, d] at <see cref="Length"/> and returns views of
    /// all positions so far [kvHeads, Length + T, d] (the caller disposes the views). <see cref="Advance"/> commits.
    /// </summary>
    internal (torch.Tensor Keys, torch.Tensor Values) Append(int layer, torch.Tensor keys, torch.Tensor values)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        long t = keys.shape[1], end = Length + t;
        if (end > _capacity) Grow(end);
        _keys[layer] ??= NewStorage();
        _values[layer] ??= NewStorage();
        using (var slot = _keys[layer]!.narrow(1, Length, t)) slot.copy_(keys);
        using (var slot = _values[layer]!.narrow(1, Length, t)) slot.copy_(values);
        return (_keys[layer]!.narrow(1, 0, end), _values[layer]!.narrow(1, 0, end));
    }

    /// <summary>Commits <paramref name="count"/> positions written to every layer by <see cref="Append"/>.</summary>
    internal void Advance(int count) => Length += count;

    // Detached: forwards run inside a dispose scope, and the cache must outlive it.
    private torch.Tensor NewStorage() => torch.empty([_kvHeads, _capacity, _headDim], _dtype, _device).DetachFromDisposeScope();

    private void Grow(long needed)
    {
        long capacity = Math.Min(MaxLength, Math.Max(needed, Math.Max(InitialCapacity, _capacity * 2)));
        for (int i = 0; i < _keys.Length; i++)
        {
            _keys[i] = Regrown(_keys[i], capacity);
            _values[i] = Regrown(_values[i], capacity);
        }
        _capacity = capacity;
    }

    private torch.Tensor? Regrown(torch.Tensor? old, long capacity)
    {
        if (old is null) return null;
        var grown = torch.empty([_kvHeads, capacity, _headDim], _dtype, _device).DetachFromDisposeScope();
        using (var from = old.narrow(1, 0, Length))
        using (var to = grown.narrow(1, 0, Length))
            to.copy_(from);
        old.Dispose();
        return grown;
    }

    /// <summary>Frees the cache's tensors.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        foreach (var t in _keys.Concat(_values)) t?.Dispose();
    }
}
