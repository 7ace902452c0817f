using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace DeltaMerge.Runtime.Kernels;

/// <summary>
/// A persistent set of worker threads that split one kernel call by ranges of output rows. The calling thread does
/// the first range itself; workers are started once and wait between calls, so a call allocates nothing. A call is
/// published by bumping a generation counter that idle workers spin on for <see cref="SpinMicroseconds"/> (decode
/// makes hundreds of calls per token, microseconds apart, and waking a sleeping thread costs tens of microseconds);
/// after that they sleep on a monitor until the next call.
/// </summary>
public sealed class KernelPool : IDisposable
{
    /// <summary>How long an idle worker spins before it sleeps.</summary>
    internal const int SpinMicroseconds = 200;

    private static readonly long SpinTicks = Stopwatch.Frequency * SpinMicroseconds / 1_000_000;

    private readonly Thread[] _workers;
    private readonly object _gate = new();
    private Action<int, int>? _body;   // (first, end) of a range of items
    private int _items;
    private int _granularity = 1;
    private int _parts = 1;
    private long _generation;           // bumped once per call that uses the workers
    private int _pending;               // workers yet to finish the current call
    private int _sleepers;              // workers waiting on _gate
    private Exception? _failure;        // the first exception a worker's range threw
    private volatile bool _stopping;

    /// <summary>A pool of <paramref name="threads"/> threads in all (the caller counts as one).</summary>
    public KernelPool(int threads)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        Threads = threads;
        _workers = new Thread[threads - 1];
        for (int i = 0; i < _workers.Length; i++)
        {
            int part = i + 1;
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
        ArgumentNullException.ThrowIfNull(body);
        ArgumentOutOfRangeException.ThrowIfLessThan(granularity, 1);
        if (items <= 0) return;
        int parts = (int)Math.Min(Threads, Math.Max(1, ((long)items + granularity - 1) / granularity));
        if (parts == 1)
        {
            body(0, items);
            return;
        }
        _body = body;
        _items = items;
        _granularity = granularity;
        _parts = parts;
        _failure = null;
        Volatile.Write(ref _pending, _workers.Length);
        Interlocked.Increment(ref _generation);   // a full fence: workers see the fields above, and we see _sleepers below
        if (Volatile.Read(ref _sleepers) > 0)
            lock (_gate) Monitor.PulseAll(_gate);
        try
        {
            RunPart(0);
        }
        finally
        {
            var spin = new SpinWait();
            while (Volatile.Read(ref _pending) != 0) spin.SpinOnce(sleep1Threshold: -1);
            _body = null;
        }
        if (_failure is { } failure) ExceptionDispatchInfo.Throw(failure);
    }

    private void RunPart(int part)
    {
        if (part >= _parts) return;
        // Ranges are whole multiples of the granularity so that a row block never straddles two threads.
        int units = (int)(((long)_items + _granularity - 1) / _granularity);
        int first = (int)Math.Min(_items, (long)units * part / _parts * _granularity);
        int end = (int)Math.Min(_items, (long)units * (part + 1) / _parts * _granularity);
        if (first < end) _body!(first, end);
    }

    private void Work(int part)
    {
        long seen = 0;
        while (true)
        {
            seen = WaitForCall(seen);
            if (_stopping) return;
            try
            {
                RunPart(part);
            }
            catch (Exception e)
            {
                Interlocked.CompareExchange(ref _failure, e, null);
            }
            finally
            {
                Interlocked.Decrement(ref _pending);
            }
        }
    }

    /// <summary>Spins, then sleeps, until the generation moves past <paramref name="seen"/>; returns the new one.</summary>
    private long WaitForCall(long seen)
    {
        long spinUntil = Stopwatch.GetTimestamp() + SpinTicks;
        var spin = new SpinWait();
        while (Volatile.Read(ref _generation) == seen)
        {
            if (Stopwatch.GetTimestamp() < spinUntil)
            {
                spin.SpinOnce(sleep1Threshold: -1);
                continue;
            }
            lock (_gate)
            {
                Interlocked.Increment(ref _sleepers);   // a full fence before the check: Run sees us or we see its call
                while (Volatile.Read(ref _generation) == seen && !_stopping) Monitor.Wait(_gate);
                Interlocked.Decrement(ref _sleepers);
            }
        }
        return Volatile.Read(ref _generation);
    }

    /// <summary>Stops the workers.</summary>
    public void Dispose()
    {
        if (_stopping) return;
        _stopping = true;
        Interlocked.Increment(ref _generation);
        lock (_gate) Monitor.PulseAll(_gate);
        foreach (var w in _workers) w.Join();
    }
}
