using DeltaMerge.Runtime.Kernels;

namespace DeltaMerge.Runtime.Tests.Kernels;

/// <summary>The pool covers every item exactly once, in ranges aligned to the granularity, call after call.</summary>
public sealed class KernelPoolTests
{
    [TestCase(1, 1, 1)]
    [TestCase(2, 17, 16)]
    [TestCase(3, 101, 16)]
    [TestCase(3, 2, 1)]
    [TestCase(4, 1000, 7)]
    [TestCase(2, 5, 100)]
    public void EveryItemRunsOnceInAlignedRanges(int threads, int items, int granularity)
    {
        using var pool = new KernelPool(threads);
        var hits = new int[items];
        var ranges = new List<(int First, int End)>();
        pool.Run(items, (first, end) =>
        {
            lock (ranges) ranges.Add((first, end));
            for (int i = first; i < end; i++) Interlocked.Increment(ref hits[i]);
        }, granularity);
        Assert.That(hits, Is.All.EqualTo(1));
        Assert.That(ranges, Has.Count.LessThanOrEqualTo(threads));
        Assert.That(ranges.Select(r => r.First), Is.All.Matches<int>(first => first % granularity == 0));
    }

    [Test]
    public void TheWorkIsSpreadOverTheThreads()
    {
        using var pool = new KernelPool(3);
        var threadIds = new HashSet<int>();
        pool.Run(300, (_, _) => { lock (threadIds) threadIds.Add(Environment.CurrentManagedThreadId); });
        Assert.That(threadIds, Has.Count.EqualTo(3));
    }

    [Test]
    public void ManyCallsInARowWithPausesThatPutTheWorkersToSleep()
    {
        using var pool = new KernelPool(2);
        long total = 0;
        for (int call = 0; call < 3000; call++)
        {
            if (call % 500 == 0) Thread.Sleep(5);   // longer than the workers spin
            pool.Run(64, (first, end) => Interlocked.Add(ref total, end - first), 16);
        }
        Assert.That(total, Is.EqualTo(3000L * 64));
    }

    [Test]
    public void AnExceptionInAWorkersRangeReachesTheCaller()
    {
        using var pool = new KernelPool(2);
        var e = Assert.Throws<InvalidOperationException>(() => pool.Run(100, (first, _) => { if (first > 0) throw new InvalidOperationException("worker range"); }));
        Assert.That(e!.Message, Is.EqualTo("worker range"));
        int ran = 0;
        pool.Run(100, (first, end) => Interlocked.Add(ref ran, end - first));
        Assert.That(ran, Is.EqualTo(100), "the pool still works after a failed call");
    }

    [Test]
    public void ADisposedPoolRefusesWork()
    {
        var pool = new KernelPool(3);
        pool.Dispose();
        pool.Dispose();
        Assert.Throws<ObjectDisposedException>(() => pool.Run(10, (_, _) => { }));
    }

    [Test]
    public void NoItemsRunsNothing()
    {
        using var pool = new KernelPool(2);
        bool ran = false;
        pool.Run(0, (_, _) => ran = true);
        Assert.That(ran, Is.False);
    }

    [TestCase(4L * 11008, 16)]           // a 7B f32 row: cache-line units
    [TestCase(1024L, 256)]               // 256 KiB per thread at least
    [TestCase(1000L, 272)]               // rounded up to whole cache lines of y
    [TestCase(0L, int.MaxValue / 2 / 16 * 16)]
    public void MultiplyCallsSplitOnlyLargeRangesInCacheLineUnits(long rowBytes, int expected)
    {
        int unit = MatVecJob.RowsPerUnit(rowBytes, MatVecJob.MinimumBytesPerThread);
        Assert.That(unit % MatVecJob.Granularity, Is.Zero);
        Assert.That(unit, Is.EqualTo(expected));
    }
}
