using DeltaMerge.Compute;
using DeltaMerge.Formats;
using DeltaMerge.Formats.Integrity;
using DeltaMerge.Formats.IO;
using DeltaMerge.Pipeline.Plan;

namespace DeltaMerge.Cli;

/// <summary>Maps an exception to an exit code and a one-line, specific message (no stack trace unless --verbose).</summary>
public static class ErrorReport
{
    /// <summary>Exit code, error kind for JSON output, and the message.</summary>
    public static (int ExitCode, string Kind, string Message) Classify(Exception e) => e switch
    {
        OutputExistsException x => (ExitCodes.Usage, "output_exists", x.Message),
        UsageException x => (ExitCodes.Usage, "usage", x.Message),
        Eval.Sharding.ShardSelectionException x => (ExitCodes.Usage, "usage", x.Message),
        CheckpointFormatException x => (ExitCodes.InvalidInput, "invalid_input." + x.Kind, x.Message),
        MergePlanException x => (ExitCodes.InvalidInput, "incompatible_inputs." + x.Kind, x.Message),
        ChecksumMismatchException x => (ExitCodes.ChecksumMismatch, "checksum_mismatch", x.Message),
        UnlistedFileException x => (ExitCodes.ChecksumMismatch, "unlisted_file", x.Message),
        DeviceUnavailableException x => (ExitCodes.DeviceUnavailable, "device_unavailable", x.Message),
        Eval.Data.EvalDataException x => (ExitCodes.InvalidInput, "eval_data." + x.Kind, x.Message),
        Eval.Sharding.ShardMergeException x => (ExitCodes.InvalidInput, "shard_merge." + x.Kind, x.Message),
        Runtime.ModelLoadException x => (ExitCodes.InvalidInput, "model." + x.Kind, x.Message),
        InterruptedKeepingOutputException x => (ExitCodes.Cancelled, "cancelled", x.Message),
        OperationCanceledException => (ExitCodes.Cancelled, "cancelled", "Interrupted; the partial output was removed."),
        FileNotFoundException x => (ExitCodes.InvalidInput, "file_not_found", x.Message),
        DirectoryNotFoundException x => (ExitCodes.InvalidInput, "directory_not_found", x.Message),
        EndOfStreamException x => (ExitCodes.InvalidInput, "truncated_input", x.Message),
        OutputLockedException x => (ExitCodes.IOFailure, "output_locked", x.Message),
        InputChangedException x => (ExitCodes.IOFailure, "input_changed", x.Message),
        NotRegularFileException x => (ExitCodes.IOFailure, "not_a_regular_file", x.Message),
        IOException x => (ExitCodes.IOFailure, "io_failure", x.Message),
        UnauthorizedAccessException x => (ExitCodes.IOFailure, "io_failure", x.Message),
        _ => (ExitCodes.InternalError, "internal_error", $"Unexpected error ({e.GetType().Name}): {e.Message}"),
    };
}
