namespace DeltaMerge.Formats.Integrity;

/// <summary>
/// The memory all <see cref="HashingFileReader"/>s of a job may hold in read-ahead, together: a merge reads many files
/// at once (a base of per-layer shards read in the delta's order has several files in progress), so a per-file limit
/// alone would multiply.
/// </summary>
public sealed class ReadAheadPool
{
    private long _available;
    private readonly Lock _lock = new();

    /// <summary>A pool of <paramref name="bytes"/>.</summary>
    public ReadAheadPool(long bytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        Capacity = _available = bytes;
    }

    /// <summary>The pool's size.</summary>
    public long Capacity { get; }

    /// <summary>Takes <paramref name="bytes"/> if that much is free.</summary>
    public bool TryTake(long bytes)
    {
        lock (_lock)
        {
            if (bytes > _available) return false;
            _available -= bytes;
            return true;
        }
    }

    /// <summary>Gives back what <see cref="TryTake"/> took.</summary>
    public void Return(long bytes)
    {
        lock (_lock) _available += bytes;
    }
}
