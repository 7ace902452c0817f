using DeltaMerge.Pipeline.Execution;

namespace DeltaMerge.Cli;

/// <summary>
/// A test-only pause that makes interruption tests deterministic instead of racing the clock. When
/// <c>DELTAMERGE_TEST_HOLD_MARKER</c> names a file, the job's writer stops once half of the output bytes are written
/// (shards closed, the output still hidden under its partial name), creates that file, and waits until the process is
/// interrupted or killed, or until the test deletes the file (which releases the merge, e.g. after damaging an input or
/// starting a second merge). Without the variable it does nothing.
/// </summary>
internal sealed class TestHold(IProgress<MergeProgress> inner, string marker, CancellationToken interrupted) : IProgress<MergeProgress>
{
    /// <summary>The environment variable that enables the hold.</summary>
    public const string MarkerVariable = "DELTAMERGE_TEST_HOLD_MARKER";

    private bool _held;

    /// <summary><paramref name="progress"/> wrapped with the hold when the variable is set, else unchanged.</summary>
    public static IProgress<MergeProgress> Wrap(IProgress<MergeProgress> progress, CancellationToken interrupted) =>
        Environment.GetEnvironmentVariable(MarkerVariable) is { Length: > 0 } marker ? new TestHold(progress, marker, interrupted) : progress;

    /// <inheritdoc />
    public void Report(MergeProgress value)
    {
        inner.Report(value);
        // Progress is reported on the writer thread after each chunk, so blocking here holds the whole pipeline.
        if (_held || value.BytesDone * 2 < value.BytesTotal) return;
        _held = true;
        File.WriteAllText(marker, "held\n");
        while (File.Exists(marker) && !interrupted.WaitHandle.WaitOne(TimeSpan.FromMilliseconds(10)))
        {
            // Polls for the release; an interruption ends the wait at once.
        }
    }
}
