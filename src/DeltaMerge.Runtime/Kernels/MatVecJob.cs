namespace DeltaMerge.Runtime.Kernels;

/// <summary>
/// The state of one multiply while the pool runs it: reused by every call on the same thread, with its range
/// delegate bound once, so a call allocates nothing.
/// </summary>
internal sealed unsafe class MatVecJob
{
    /// <summary>Output rows per pool range unit at least: 16 floats of y are one cache line, so no two threads write the same line.</summary>
    public const int Granularity = 16;

    /// <summary>
    /// Weight bytes a thread's range holds at least: waking a second thread costs microseconds, so a small matrix is
    /// not split. (The split never changes a result.)
    /// </summary>
    public const long MinimumBytesPerThread = 256 * 1024;

    [ThreadStatic] private static MatVecJob? t_job;

    private readonly Action<int, int> _range;
    private MatVecCall _call;
    private delegate*<in MatVecCall, int, int, void> _kernel;

    private MatVecJob() => _range = RunRange;

    /// <summary>The calling thread's job.</summary>
    public static MatVecJob ForCurrentThread() => t_job ??= new MatVecJob();

    /// <summary>Runs <paramref name="kernel"/> on <paramref name="call"/>, split over <paramref name="pool"/>.</summary>
    public void Run(KernelPool pool, in MatVecCall call, delegate*<in MatVecCall, int, int, void> kernel, long minimumBytesPerThread)
    {
        _call = call;
        _kernel = kernel;
        try
        {
            pool.Run(call.Weights.Rows, _range, RowsPerUnit(call.Weights.RowBytes, minimumBytesPerThread));
        }
        finally
        {
            _call = default;   // do not keep the caller's row map alive
        }
    }

    /// <summary>The pool granularity for rows of <paramref name="rowBytes"/>: a multiple of <see cref="Granularity"/> holding <paramref name="minimumBytes"/>.</summary>
    public static int RowsPerUnit(long rowBytes, long minimumBytes)
    {
        long rows = rowBytes == 0 ? int.MaxValue : (minimumBytes + rowBytes - 1) / rowBytes;
        return (int)Math.Min(int.MaxValue / 2 / Granularity * Granularity, Math.Max(Granularity, (rows + Granularity - 1) / Granularity * Granularity));
    }

    private void RunRange(int first, int end) => _kernel(in _call, first, end);
}
