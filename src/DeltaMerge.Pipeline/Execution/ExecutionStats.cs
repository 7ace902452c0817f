namespace DeltaMerge.Pipeline.Execution;

/// <summary>Where the execution spent its time (each stage runs on its own thread, so these overlap).</summary>
/// <param name="Wall">Elapsed time of the whole execution.</param>
/// <param name="ReadBusy">Time the reader spent reading and hashing input bytes.</param>
/// <param name="ComputeBusy">Time spent converting and adding on the device.</param>
/// <param name="WriteBusy">Time the writer spent writing and hashing output bytes.</param>
/// <param name="Chunks">Chunks processed.</param>
/// <param name="BytesRead">Input tensor bytes read.</param>
/// <param name="BytesWritten">Output tensor bytes written.</param>
public sealed record ExecutionStats(TimeSpan Wall, TimeSpan ReadBusy, TimeSpan ComputeBusy, TimeSpan WriteBusy, long Chunks, long BytesRead, long BytesWritten);
