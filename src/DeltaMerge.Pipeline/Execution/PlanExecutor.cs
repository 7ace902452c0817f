using System.Collections.Concurrent;
using System.Diagnostics;
using DeltaMerge.Compute;
using DeltaMerge.Formats;
using DeltaMerge.Formats.IO;
using DeltaMerge.Pipeline.Output;
using DeltaMerge.Pipeline.Plan;
using TorchSharp;

namespace DeltaMerge.Pipeline.Execution;

/// <summary>
/// Runs a <see cref="MergePlan"/> as a three-stage pipeline: a reader thread reads operand rows chunk by chunk (through
/// hashing readers, in plan order), a compute thread combines them on the device, and the calling thread writes results
/// to the sink. Bounded queues between the stages cap memory at a few chunks whatever the tensor sizes, and let
/// reading the next chunk overlap computing and writing the current one.
/// </summary>
public sealed class PlanExecutor
{
    /// <summary>Default elements per chunk (8 MiB of fp16): small enough that temporaries are reused from the heap
    /// rather than mapped and faulted in afresh for every chunk.</summary>
    public const long DefaultChunkElements = 4L << 20;

    private readonly ComputeDevice _device;
    private readonly long _chunkElements;
    private readonly int _queueDepth;

    /// <summary>Creates an executor computing on <paramref name="device"/>.</summary>
    /// <param name="device">Where the arithmetic runs.</param>
    /// <param name="chunkElements">Largest number of elements per chunk (whole rows; at least one row).</param>
    /// <param name="queueDepth">Chunks that may wait between two stages.</param>
    public PlanExecutor(ComputeDevice device, long chunkElements = DefaultChunkElements, int queueDepth = 6)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkElements, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(queueDepth, 1);
        _device = device;
        _chunkElements = chunkElements;
        _queueDepth = queueDepth;
    }

    /// <summary>Executes <paramref name="plan"/> into <paramref name="sink"/>.</summary>
    /// <param name="plan">What to compute.</param>
    /// <param name="readerFor">The reader for an operand's file.</param>
    /// <param name="fileConsumed">Called (on the reader thread) once the last bytes needed from a file were read; may throw to abort (checksum mismatch).</param>
    /// <param name="sink">Receives the results in plan order.</param>
    /// <param name="progress">Optional progress after each chunk.</param>
    /// <param name="cancellationToken">Stops the execution between chunks.</param>
    public ExecutionStats Execute(MergePlan plan, Func<string, IByteReader> readerFor, Action<string> fileConsumed, ITensorSink sink,
        IProgress<MergeProgress>? progress, CancellationToken cancellationToken)
    {
        var chunks = Chunks(plan).ToList();
        var readsLeft = CountReads(chunks);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var toCompute = new BlockingCollection<TensorChunk>(_queueDepth);
        using var toWrite = new BlockingCollection<TensorChunk>(_queueDepth);
        var wall = Stopwatch.StartNew();
        var readBusy = new Stopwatch();
        var computeBusy = new Stopwatch();
        var writeBusy = new Stopwatch();
        long bytesRead = 0, bytesWritten = 0;

        var reader = Task.Factory.StartNew(() => Stage(cts, toCompute, () =>
        {
            foreach (var (task, rowStart, rowCount) in chunks)
            {
                cts.Token.ThrowIfCancellationRequested();
                var chunk = new TensorChunk { Task = task, RowStart = rowStart, RowCount = rowCount };
                try
                {
                    readBusy.Start();
                    // The two operands live in different files: reading (and hashing) them at once overlaps one's
                    // hashing with the other's I/O.
                    var secondary = task.Secondary is { } second
                        ? Task.Run(() => ReadRows(second, task.RowElements, rowStart, rowCount, readerFor, readsLeft, fileConsumed, ref bytesRead))
                        : Task.FromResult<torch.Tensor?>(null);
                    try
                    {
                        chunk.Primary = ReadRows(task.Primary, task.RowElements, rowStart, rowCount, readerFor, readsLeft, fileConsumed, ref bytesRead);
                    }
                    finally
                    {
                        chunk.Secondary = secondary.GetAwaiter().GetResult();
                    }
                    readBusy.Stop();
                    toCompute.Add(chunk, cts.Token);
                }
                catch
                {
                    chunk.Dispose();
                    throw;
                }
            }
        }), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

        var computer = Task.Factory.StartNew(() => Stage(cts, toWrite, () =>
        {
            foreach (var chunk in toCompute.GetConsumingEnumerable(cts.Token))
            {
                try
                {
                    computeBusy.Start();
                    chunk.Result = ChunkMath.Compute(chunk, _device.Device);
                    chunk.Primary?.Dispose();
                    chunk.Secondary?.Dispose();
                    chunk.Primary = chunk.Secondary = null;
                    computeBusy.Stop();
                    toWrite.Add(chunk, cts.Token);
                }
                catch
                {
                    chunk.Dispose();
                    throw;
                }
            }
        }), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

        Exception? writeError = null;
        try
        {
            int tensorsDone = 0;
            foreach (var chunk in toWrite.GetConsumingEnumerable(cts.Token))
            {
                using (chunk)
                {
                    writeBusy.Start();
                    if (chunk.IsFirst) sink.BeginTensor(chunk.Task);
                    var result = chunk.Result!;
                    if (result.NumberOfElements == 0) sink.WriteChunk([]);
                    else sink.WriteChunk(result.bytes);
                    bytesWritten += result.NumberOfElements * result.ElementSize;
                    if (chunk.IsLast)
                    {
                        sink.EndTensor();
                        tensorsDone++;
                    }
                    writeBusy.Stop();
                    progress?.Report(new MergeProgress(tensorsDone, plan.TaskCount, bytesWritten, plan.TotalBytes, chunk.Task.Name));
                }
            }
        }
        catch (Exception e)
        {
            writeError = e;
            cts.Cancel();
        }
        finally
        {
            // Unblock producers waiting on full queues, then release whatever is still queued.
            Drain(toWrite);
            try { Task.WaitAll(reader, computer); } catch (AggregateException) { }
            Drain(toCompute);
            Drain(toWrite);
        }
        var error = FirstRealError(writeError, reader.Exception?.InnerException, computer.Exception?.InnerException);
        if (error != null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(error).Throw();
        cancellationToken.ThrowIfCancellationRequested();
        return new ExecutionStats(wall.Elapsed, readBusy.Elapsed, computeBusy.Elapsed, writeBusy.Elapsed, chunks.Count, bytesRead, bytesWritten);
    }

    private static void Stage(CancellationTokenSource cts, BlockingCollection<TensorChunk> output, Action body)
    {
        try
        {
            body();
        }
        catch
        {
            cts.Cancel();
            throw;
        }
        finally
        {
            output.CompleteAdding();
        }
    }

    private static void Drain(BlockingCollection<TensorChunk> queue)
    {
        while (queue.TryTake(out var chunk)) chunk.Dispose();
    }

    /// <summary>The first error that is not a cancellation caused by another stage's error.</summary>
    private static Exception? FirstRealError(params Exception?[] errors) =>
        errors.FirstOrDefault(e => e is not null and not OperationCanceledException) ?? errors.FirstOrDefault(e => e != null);

    private IEnumerable<(TensorTask Task, long RowStart, long RowCount)> Chunks(MergePlan plan)
    {
        foreach (var task in plan.Tasks)
        {
            long rowsPerChunk = task.RowElements == 0 ? Math.Max(1, task.Rows) : Math.Max(1, _chunkElements / task.RowElements);
            if (task.Rows == 0)
            {
                yield return (task, 0, 0);
                continue;
            }
            for (long r = 0; r < task.Rows; r += rowsPerChunk)
                yield return (task, r, Math.Min(rowsPerChunk, task.Rows - r));
        }
    }

    private static Dictionary<string, int> CountReads(List<(TensorTask Task, long RowStart, long RowCount)> chunks)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (task, rowStart, rowCount) in chunks)
            foreach (var e in new[] { task.Primary, task.Secondary }.OfType<TensorEntry>())
                if (PresentRows(e, rowStart, rowCount) > 0)
                    // A gathered operand counts one read of each of its files per chunk, and ReadRows releases them
                    // the same way, so a file is complete only after the last chunk that may touch it.
                    foreach (string file in e.Files)
                        counts[file] = counts.GetValueOrDefault(file) + 1;
        return counts;
    }

    private static long PresentRows(TensorEntry e, long rowStart, long rowCount) => Math.Clamp(TensorTask.RowsOf(e) - rowStart, 0, rowCount);

    private static torch.Tensor? ReadRows(TensorEntry entry, long rowElements, long rowStart, long rowCount, Func<string, IByteReader> readerFor,
        Dictionary<string, int> readsLeft, Action<string> fileConsumed, ref long bytesRead)
    {
        long present = PresentRows(entry, rowStart, rowCount);
        if (present == 0) return null;
        long rowBytes = checked(rowElements * DTypeInfo.SizeOf(entry.DType));
        var tensor = torch.empty([present, rowElements], ChunkMath.ToTorch(entry.DType));
        try
        {
            if (present * rowBytes > 0)
            {
                if (entry.Gather == null) readerFor(entry.FilePath).ReadExactly(entry.Offset + rowStart * rowBytes, tensor.bytes);
                else ReadGathered(entry, rowStart, present, readerFor, tensor.bytes);
            }
            Interlocked.Add(ref bytesRead, present * rowBytes);
            foreach (string file in entry.Files)
            {
                int left;
                lock (readsLeft) left = --readsLeft[file];
                if (left == 0) fileConsumed(file);
            }
            return tensor;
        }
        catch
        {
            tensor.Dispose();
            throw;
        }
    }

    /// <summary>Fills <paramref name="destination"/> with rows of a gathered operand, one read per coalesced range.</summary>
    private static void ReadGathered(TensorEntry entry, long rowStart, long rowCount, Func<string, IByteReader> readerFor, Span<byte> destination)
    {
        var gather = entry.Gather!;
        if (gather.RowBytes * rowCount != destination.Length)
            throw new InvalidOperationException($"{entry.Name}: the gather gives rows of {gather.RowBytes} bytes, but the tensor needs {destination.Length / rowCount}.");
        int at = 0;
        foreach (var range in gather.RangesFor(rowStart, rowCount))
        {
            int length = checked((int)range.Length);
            readerFor(range.FilePath).ReadExactly(range.Offset, destination.Slice(at, length));
            at += length;
        }
    }
}
