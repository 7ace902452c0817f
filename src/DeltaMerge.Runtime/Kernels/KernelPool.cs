namespace DeltaMerge.Runtime.Kernels;

/// <summary>
/// A persistent set of worker threads that split one kernel call by ranges of output rows. The calling thread does
/// the first range itself; workers are started once and wait between calls, so a call allocates nothing.
/// </summary>
public sealed class KernelPool : IDisposable
{
    private readonly Thread[] _workers;
    private readonly SemaphoreSlim[] _start;
    private readonly CountdownEvent _done;
    private Action<int, int>? _body;   // (first, end) of a range of items
    private int _items;
    private volatile bool _stopping;

    /// <summary>A pool of <paramref name="threads"/> threads in all (the caller counts as one).</summary>
    public KernelPool(int threads)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        Threads = threads;
        _workers = new Thread[threads - 1];
        _start = new SemaphoreSlim[threads - 1];
        _done = new CountdownEvent(1);
        for (int i = 0; i < _workers.Length; i++)
        {
            int part = i + 1;
            _start[i] = new SemaphoreSlim(0);
            _workers[i] = new Thread(() => Work(part)) { IsBackground = true, Name = $"deltamerge-kernel-{part}" };
            _workers[i].Start();
        }
    }

    /// <summary>Threads a call is split over.</summary>
    public int Threads { get; }

    /// <summary>The machine's logical processors: the default for --threads.</summary>
    public static int DefaultThreads => Environment.ProcessorCount;

    /// <summary>
    /// Runs <paramref name="body"/>(first, end) over [0, <paramref name="items"/>) split into at most
    /// <see cref="Threads"/> contiguous ranges, each a multiple of <paramref name="granularity"/> items (but the last),
    /// and returns when all are done. Not reentrant: one call at a time.
    /// </summary>
    public void Run(int items, Action<int, int> body, int granularity = 1)
    {
        ObjectDisposedException.ThrowIf(_stopping, this);
        if (items <= 0) return;
        int parts = Math.Min(Threads, Math.Max(1, (items + granularity - 1) / granularity));
        if (parts == 1)
        {
            body(0, items);
            return;
        }
        _body = body;
        _items = items;
        _granularity = granularity;
        _parts = parts;
        _done.Reset(parts - 1);
        for (int i = 0; i < parts - 1; i++) _start[i].Release();
        RunPart(0);
        _done.Wait();
        _body = null;
    }

    private int _granularity = 1;
    private int _parts = 1;

    private void RunPart(int part)
    {
        // Ranges are whole multiples of the granularity so that a row block never straddles two threads.
        int units = (_items + _granularity - 1) / _granularity;
        int first = (int)((long)units * part / _parts) * _granularity;
        int end = Math.Min(_items, (int)((long)units * (part + 1) / _parts) * _granularity);
        if (first < end) _body!(first, end);
    }

    private void Work(int part)
    {
        while (true)
        {
            _start[part - 1].Wait();
            if (_stopping) return;
            try
            {
                RunPart(part);
            }
            finally
            {
                _done.Signal();
            }
        }
    }

    /// <summary>Stops the workers.</summary>
    public void Dispose()
    {
        if (_stopping) return;
        _stopping = true;
        foreach (var s in _start) s.Release();
        foreach (var w in _workers) w.Join();
        foreach (var s in _start) s.Dispose();
        _done.Dispose();
    }
}
